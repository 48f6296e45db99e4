'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { requireActor } from '@/lib/auth/session';
import { changeMeta, deploymentInput } from '@/lib/deployments/schema';
import { cancelDeployment, createDeployment, scheduleDeployment, updateDeployment } from '@/lib/deployments/service';
import { text } from '@/lib/text';
import { phasesFromForm } from '@/lib/rings/schema';
import { fromServiceError, fromZodError, fromZodErrorByPath, type ActionState } from '@/app/ui/action-state';

/** The form's fields with its repeating phase rows folded into `phases` (hours posted as *Minutes are converted by the schema). */
const formFields = (form: FormData) => {
  const fields = Object.fromEntries(form);
  return { ...fields, phases: phasesFromForm(fields) };
};

export async function createDeploymentAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = deploymentInput.safeParse(formFields(form));
  if (!input.success) return fromZodErrorByPath(input.error);
  let id: string;
  try {
    ({ id } = await createDeployment(await requireActor(), input.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments');
  redirect(`/deployments/${id}`);
}

export async function updateDeploymentAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const fields = formFields(form);
  const input = deploymentInput.safeParse(fields);
  if (!input.success) return fromZodErrorByPath(input.error);
  const meta = changeMeta.safeParse(fields);
  if (!meta.success) return fromZodError(meta.error);
  try {
    await updateDeployment(await requireActor(), id, input.data, meta.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments');
  redirect(`/deployments/${id}`);
}

const scheduleInput = z.object({ expectedVersion: z.coerce.number().int().min(1) });

export async function scheduleDeploymentAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = scheduleInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  let status: string;
  try {
    ({ status } = await scheduleDeployment(await requireActor(), id, input.data.expectedVersion));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/deployments/${id}`);
  return { success: status === 'pending_approval' ? 'Sent for approval.' : 'Scheduled.' };
}

const cancelInput = z.object({ reason: text().trim().min(1, 'Say why you cancel it.').max(2000, 'A reason is at most 2,000 characters.') });

export async function cancelDeploymentAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = cancelInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await cancelDeployment(await requireActor(), id, input.data.reason);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/deployments/${id}`);
  return { success: 'Cancelled.' };
}
