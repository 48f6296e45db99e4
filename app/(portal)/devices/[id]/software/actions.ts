'use server';

import { revalidatePath } from 'next/cache';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { claimAvailable } from '@/lib/deployments/claim';
import { postponeAssignment } from '@/lib/deployments/postpone';
import { assignmentActionInput } from '@/lib/deployments/schema';
import { removalActionInput, requestRemovalInput } from '@/lib/removals/schema';
import { cancelRemoval, requestRemoval, retryRemoval } from '@/lib/removals/service';

const fields = (form: FormData) => Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));

/** "Postpone" on My software: the service re-checks ownership, intent and the deadline. */
export async function postponeAction(_: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireActor();
  const input = assignmentActionInput.safeParse(fields(form));
  if (!input.success) return fromZodError(input.error);
  let until: Date;
  try {
    ({ postponedUntil: until } = await postponeAssignment({ kind: 'user', actor }, input.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/devices/${input.data.deviceId}/software`);
  return { success: `Postponed until ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC.` };
}

/** "Install now" for an available item: grants the entitlement; the agent installs it at its next sync. */
export async function installNowAction(_: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireActor();
  const input = assignmentActionInput.safeParse(fields(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await claimAvailable({ kind: 'user', actor }, input.data.deploymentId, input.data.deviceId);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/devices/${input.data.deviceId}/software`);
  return { success: 'Granted: the portal agent installs it at its next sync.' };
}

/** "Remove" on an installed item: asks the agent to uninstall it at its next sync; nothing ends until it reports. */
export async function requestRemovalAction(_: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireActor();
  const input = requestRemovalInput.safeParse(fields(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await requestRemoval(actor, input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/devices/${input.data.deviceId}/software`);
  revalidatePath(`/desk/devices/${input.data.deviceId}`);
  return { success: 'Removal requested: the portal agent uninstalls it at its next sync.' };
}

/** "Retry" or "Cancel" on a removal that failed (or, for cancel, is still pending). */
export async function settleRemovalAction(_: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireActor();
  const input = removalActionInput.safeParse(fields(form));
  if (!input.success) return fromZodError(input.error);
  const retry = form.get('intent') === 'retry';
  try {
    await (retry ? retryRemoval : cancelRemoval)(actor, input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/devices/[id]/software', 'page');
  revalidatePath('/desk/devices/[id]', 'page');
  return { success: retry ? 'Removal requested again: the agent tries at its next sync.' : 'Removal cancelled: the software stays.' };
}
