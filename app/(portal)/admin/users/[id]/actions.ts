'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { userUpdateInput } from '@/lib/admin/schema';
import { updateUser } from '@/lib/admin/users';
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
