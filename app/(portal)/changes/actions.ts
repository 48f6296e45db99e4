'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { fromServiceError, type ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { changeDecisionInput, changeInput, changeTransitionInput } from '@/lib/changes/schema';
import { createChange, decideChange, moveChange } from '@/lib/changes/service';
import { fromZodError } from '@/app/ui/action-state';

const fields = (form: FormData) =>
  Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')) as Record<string, string>;

export async function createChangeAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = changeInput.safeParse(fields(form));
  if (!input.success) return fromZodError(input.error);
  let id: string;
  try {
    ({ id } = await createChange(await requireActor(), input.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/changes');
  redirect(`/changes/${id}`);
}

export async function decideChangeAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = changeDecisionInput.safeParse(fields(form));
  if (!input.success) return fromZodError(input.error);
  let state: string;
  try {
    ({ state } = await decideChange(await requireActor(), input.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/changes/${input.data.changeId}`);
  return { success: `Decision recorded; the change is ${state}.` };
}

export async function moveChangeAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = changeTransitionInput.safeParse(fields(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await moveChange(await requireActor(), input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/changes/${input.data.changeId}`);
  return { success: `The change is ${input.data.to}.` };
}
