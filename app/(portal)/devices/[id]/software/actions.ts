'use server';

import { revalidatePath } from 'next/cache';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { claimAvailable } from '@/lib/deployments/claim';
import { postponeAssignment } from '@/lib/deployments/postpone';
import { assignmentActionInput } from '@/lib/deployments/schema';

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
