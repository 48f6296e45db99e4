'use server';

import { revalidatePath } from 'next/cache';
import { createGroup, setGroupArchived, updateGroup } from '@/lib/admin/groups';
import { groupInput } from '@/lib/admin/schema';
import { requireActor } from '@/lib/auth/session';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

export async function createGroupAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = groupInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await createGroup(await requireActor(), input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/groups');
  return { success: `Group ${input.data.name} created.` };
}

export async function updateGroupAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = groupInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await updateGroup(await requireActor(), id, input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/groups');
  return { success: 'Saved.' };
}

export async function setGroupArchivedAction(id: string, archived: boolean, _: ActionState): Promise<ActionState> {
  try {
    await setGroupArchived(await requireActor(), id, archived);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/groups');
  return { success: archived ? 'Archived.' : 'Restored.' };
}
