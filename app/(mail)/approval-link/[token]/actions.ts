'use server';

import { z } from 'zod';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';
import { decideByLink } from '@/lib/approval-links/service';
import { currentActor } from '@/lib/auth/session';
import { text } from '@/lib/text';

const linkDecisionInput = z
  .object({
    token: text({ error: 'This approval link is not valid.' }).max(100, 'This approval link is not valid.'),
    decision: z.enum(['approved', 'rejected'], { error: 'Approve or reject.' }),
    comment: text().trim().max(2000, 'A comment is at most 2,000 characters.').default(''),
  })
  .refine((d) => d.decision === 'approved' || d.comment.length > 0, { path: ['comment'], message: 'Give the reason for rejecting.' });

const outcome = (status: string, stage: number | null) =>
  status === 'pending_approval'
    ? stage === null
      ? 'Your approval is recorded; the stage needs more approvers.'
      : 'Approved. The request now waits on its next approval stage.'
    : status === 'rejected'
      ? 'Rejected. The requester has been told your reason.'
      : 'Approved. The requester has been told.';

/** Decides through a mail link; works without a session (the link is the credential), see decideByLink. */
export async function decideByLinkAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = linkDecisionInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  const { token, ...decision } = input.data;
  try {
    const result = await decideByLink(token, decision, await currentActor());
    return { success: outcome(result.status, result.stage) };
  } catch (e) {
    return fromServiceError(e);
  }
}
