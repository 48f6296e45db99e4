'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { userUpdateInput } from '@/lib/admin/schema';
import { updateUser } from '@/lib/admin/users';
import { signOutEverywhere } from '@/lib/auth/sessions';
import { requireActor } from '@/lib/auth/session';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

export async function updateUserAction(userId: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = userUpdateInput.safeParse({ ...Object.fromEntries(form), roles: form.getAll('roles'), groupIds: form.getAll('groupIds') });
  if (!input.success) return fromZodError(input.error);
  try {
    await updateUser(await requireActor(), userId, input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin');
  redirect('/admin?saved=1');
}

/** Ends every session of the user: each browser they are signed in on is signed out at its next request. */
export async function signOutEverywhereAction(userId: string, _: ActionState): Promise<ActionState> {
  let n: number;
  try {
    n = await signOutEverywhere(await requireActor(), userId);
  } catch (e) {
    return fromServiceError(e);
  }
  return { success: n === 1 ? 'Signed out of 1 session.' : `Signed out of ${n} sessions.` };
}
