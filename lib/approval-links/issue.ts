import { createHash, randomBytes } from 'node:crypto';
import type { DbOrTx } from '@/db';
import { approvalLinks } from '@/db/schema';
import { appUrl, env } from '@/lib/env';
import type { MailExtra } from '@/lib/notifications/service';

/** Tokens are 32 random bytes (base64url); only their SHA-256 is stored. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Where a link lands: a confirmation page (opening it decides nothing, so mail scanners are harmless). */
export const approvalLinkPath = (token: string, decision: 'approved' | 'rejected') =>
  `/approval-link/${token}?decision=${decision === 'approved' ? 'approve' : 'reject'}`;

/**
 * Creates one single-use link for this approver, request and stage, valid APPROVAL_LINK_TTL_HOURS.
 * A random token stored hashed rather than an HMAC: single use needs a row anyway, so the row can
 * be the whole truth (no key to rotate, nothing to forge, a leaked table opens nothing).
 */
export async function issueApprovalLink(tx: DbOrTx, requestId: string, stage: number, approverId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx.insert(approvalLinks).values({
    tokenHash: hashToken(token),
    requestId,
    stage,
    approverId,
    expiresAt: new Date(Date.now() + env.APPROVAL_LINK_TTL_HOURS * 3600_000),
  });
  return token;
}

/** The approve and reject lines of one approver's "waiting for you" mail (see notify's MailExtra). */
export function approvalLinksFor(requestId: string, stage: number): MailExtra {
  return async (tx, approverId) => {
    const token = await issueApprovalLink(tx, requestId, stage, approverId);
    return [
      `Approve: ${appUrl()}${approvalLinkPath(token, 'approved')}`,
      `Reject: ${appUrl()}${approvalLinkPath(token, 'rejected')}`,
      `These links are for you alone, work once, and expire in ${env.APPROVAL_LINK_TTL_HOURS} hours.`,
    ].join('\n');
  };
}
