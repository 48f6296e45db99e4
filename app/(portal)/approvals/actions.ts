'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { requireActor } from '@/lib/auth/session';
import { ConflictError, ForbiddenError } from '@/lib/errors';
import { approveMany, decide } from '@/lib/requests/decide';
import { createDelegation, endDelegation } from '@/lib/requests/delegation';
import { decisionInput, delegationInput } from '@/lib/requests/schema';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

/** An approver decides one request; on success they go back to the inbox, which says what happened. */
export async function decideAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = decisionInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await decide(await requireActor(), input.data);
  } catch (e) {
    // Another approver (or a delegate) won the race, or the stage moved on: say so, and refresh
    // the page so it shows where the request stands now.
    if (e instanceof ConflictError || e instanceof ForbiddenError) {
      revalidatePath(`/approvals/${input.data.requestId}`);
      revalidatePath('/approvals');
      return { error: e.message.startsWith('You ') ? e.message : `Someone else decided first: ${e.message}` };
    }
    return fromServiceError(e);
  }
  revalidatePath('/approvals');
  redirect(`/approvals?done=${input.data.decision}&id=${input.data.requestId}`);
}

export interface BulkState extends ActionState {
  results?: { requestId: string; ok: boolean; message: string }[];
}

const selection = z.array(z.uuid('No such request.'), { error: 'Select at least one request.' }).min(1, 'Select at least one request.');

/** Approves the selected requests one by one; each gets its own result. */
export async function approveSelectedAction(_: BulkState, form: FormData): Promise<BulkState> {
  const ids = selection.safeParse(form.getAll('requestId'));
  if (!ids.success) return fromZodError(ids.error);
  const results = await approveMany(await requireActor(), ids.data);
  revalidatePath('/approvals');
  return { results };
}

/** datetime-local inputs carry no zone; the portal shows and reads times in UTC. */
const asUtc = (v: FormDataEntryValue | null) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v);

export async function createDelegationAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = delegationInput.safeParse({
    delegateId: form.get('delegateId'),
    startsAt: asUtc(form.get('startsAt')),
    endsAt: asUtc(form.get('endsAt')),
  });
  if (!input.success) return fromZodError(input.error);
  try {
    await createDelegation(await requireActor(), input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/approvals', 'layout');
  return { success: 'Delegation saved. Your stand-in sees the requests waiting on you during that time.' };
}

export async function endDelegationAction(_: ActionState, form: FormData): Promise<ActionState> {
  const id = z.uuid('No such delegation.').safeParse(form.get('id'));
  if (!id.success) return fromZodError(id.error);
  try {
    await endDelegation(await requireActor(), id.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/approvals', 'layout');
  return { success: 'Delegation ended.' };
}
