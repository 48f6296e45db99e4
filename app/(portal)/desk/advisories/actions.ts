'use server';

import { revalidatePath } from 'next/cache';
import { fromServiceError, type ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { proposeFixDeployment, withdrawAffectedRelease } from '@/lib/trust/exposure';

export async function proposeFixAction(advisoryId: string, releaseId: string): Promise<ActionState> {
  let result;
  try {
    result = await proposeFixDeployment(await requireActor(), advisoryId, releaseId);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments');
  return { success: `Draft required deployment created for ${result.devices} devices: /deployments/${result.deploymentId}` };
}

export async function withdrawAffectedAction(advisoryId: string, releaseId: string): Promise<ActionState> {
  try {
    await withdrawAffectedRelease(await requireActor(), advisoryId, releaseId);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/desk/advisories');
  return { success: 'Release withdrawn.' };
}
