'use server';

import { revalidatePath } from 'next/cache';
import { requireActor } from '@/lib/auth/session';
import { decideDeployment } from '@/lib/deployments/approval';
import { deploymentDecisionInput } from '@/lib/deployments/schema';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

export async function decideDeploymentAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = deploymentDecisionInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  let status: string;
  try {
    ({ status } = await decideDeployment(await requireActor(), input.data));
  } catch (e) {
    revalidatePath('/approvals/deployments');
    return fromServiceError(e);
  }
  revalidatePath('/approvals/deployments');
  const done = {
    scheduled: 'Approved: the deployment is now scheduled.',
    draft: 'Rejected: it went back to its manager as a draft.',
  } as Record<string, string>;
  return { success: done[status] ?? 'Approved: it waits for more approvals.' };
}
