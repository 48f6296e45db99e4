'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { manageInput, rollForwardInput, startPhaseInput } from '@/lib/rings/schema';
import { resumeDeployment, rollBack, rollForward, startNextPhase } from '@/lib/rings/manage';
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
