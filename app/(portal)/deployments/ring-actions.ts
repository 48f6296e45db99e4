'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { manageInput, rollForwardInput, startPhaseInput } from '@/lib/rings/schema';
import { checkGatesNow, resumeDeployment, rollBack, rollForward, startNextPhase } from '@/lib/rings/manage';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

export async function startPhaseAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = startPhaseInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await startNextPhase(await requireActor(), id, input.data.position);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/deployments/${id}`);
  return { success: `Phase ${input.data.position} started.` };
}

export async function checkGatesAction(id: string, _state: ActionState, _form: FormData): Promise<ActionState> {
  let run;
  try {
    run = await checkGatesNow(await requireActor(), id);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/deployments/${id}`);
  if (run.halted.length) return { success: 'Halted: the failure rate passed its threshold.' };
  if (run.started.length) return { success: `Gate met; phase ${run.started.map((s) => s.position).join(', ')} started.` };
  if (run.gatesMet.length) return { success: 'Gate met; the next phase waits for its wait or a manager.' };
  return { success: 'Checked: nothing to do yet.' };
}

export async function resumeAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = manageInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await resumeDeployment(await requireActor(), id, input.data.reason);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/deployments/${id}`);
  return { success: 'Resumed.' };
}

export async function rollForwardAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = rollForwardInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await rollForward(await requireActor(), id, input.data.releaseId, input.data.reason);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/deployments/${id}`);
  return { success: 'Rolled forward.' };
}

export async function rollBackAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = manageInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  let back: string;
  try {
    ({ id: back } = await rollBack(await requireActor(), id, input.data.reason));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments');
  redirect(`/deployments/${back}`);
}
