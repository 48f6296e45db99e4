'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActor } from '@/lib/auth/session';
import { confirmInstalled } from '@/lib/installs/user-reported';
import { cancelRequest } from '@/lib/requests/lifecycle';
import { fromServiceError, type ActionState } from '@/app/ui/action-state';

const requestId = z.uuid('No such request.');

export async function cancelRequestAction(id: string): Promise<ActionState> {
  const parsed = requestId.safeParse(id);
  if (!parsed.success) return { error: 'No such request.' };
  try {
    await cancelRequest(await requireActor(), parsed.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/requests/${parsed.data}`);
  revalidatePath('/requests');
  return { success: 'Request cancelled.' };
}

/** "I installed it" for a browser download (see confirmInstalled: owner or desk, once, while entitled). */
export async function confirmInstalledAction(id: string): Promise<ActionState> {
  const parsed = requestId.safeParse(id);
  if (!parsed.success) return { error: 'No such request.' };
  let version: string;
  try {
    ({ version } = await confirmInstalled(await requireActor(), parsed.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/requests/${parsed.data}`);
  return { success: `Recorded: version ${version} is installed (reported by you).` };
}
