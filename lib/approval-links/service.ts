import 'server-only';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb, type DbOrTx } from '@/db';
import { approvalLinks, approvals, devices, products, serviceRequests, users, type ApprovalLink } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError, retryOnContention, ValidationError } from '@/lib/errors';
import { currentStage, decidingAs } from '@/lib/requests/approvers';
import { decideIn, type DecisionResult } from '@/lib/requests/decide';
import { hashToken } from './issue';

/** What the confirmation page shows about the request behind a link. */
export interface LinkRequest {
  requestId: string;
  productName: string;
  requesterName: string;
  deviceName: string;
  justification: string;
  approverName: string;
  expiresAt: Date;
}

export type LinkView =
  | { state: 'ready'; request: LinkRequest }
  /** Signed in as someone else than the approver the link was sent to. */
  | { state: 'other_user'; signedInAs: string }
  | { state: 'gone'; reason: 'unknown' | 'used' | 'expired' | 'stale' };

const wellFormed = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

async function linkOf(db: DbOrTx, token: string): Promise<ApprovalLink | undefined> {
  if (!wellFormed(token)) return undefined;
  return db.query.approvalLinks.findFirst({ where: eq(approvalLinks.tokenHash, hashToken(token)) });
}

/** Whether the request still waits on this link's approver at this link's stage (decide() checks it again). */
async function stillWaitingOn(db: DbOrTx, link: ApprovalLink): Promise<boolean> {
  const request = await db.query.serviceRequests.findFirst({ where: eq(serviceRequests.id, link.requestId) });
  if (!request || request.status !== 'pending_approval' || request.currentStage !== link.stage) return false;
  const stage = await currentStage(db, request);
  if (!stage) return false;
  const as = await decidingAs(db, stage, request.requesterId, link.approverId);
  if (!as) return false;
  const [decided] = await db
    .select({ id: approvals.id })
    .from(approvals)
    .where(
      and(
        eq(approvals.requestId, request.id),
        eq(approvals.stage, link.stage),
        sql`coalesce(${approvals.onBehalfOfId}, ${approvals.approverId}) = ${as.onBehalfOfId ?? as.approverId}`,
      ),
    );
  return !decided;
}

/**
 * What opening a link shows. Reads only: mail scanners and link previews open links too, so
 * nothing is decided or consumed until the approver presses the button on the page.
 */
export async function inspectApprovalLink(token: string, signedIn: Actor | null): Promise<LinkView> {
  const db = getDb();
  const link = await linkOf(db, token);
  if (!link) return { state: 'gone', reason: 'unknown' };
  if (link.usedAt) return { state: 'gone', reason: 'used' };
  if (link.expiresAt <= new Date()) return { state: 'gone', reason: 'expired' };
  if (signedIn && signedIn.id !== link.approverId) return { state: 'other_user', signedInAs: signedIn.email };
  if (!(await stillWaitingOn(db, link))) return { state: 'gone', reason: 'stale' };
  const requester = alias(users, 'requester');
  const approver = alias(users, 'approver');
  const [row] = await db
    .select({
      requestId: serviceRequests.id,
      productName: products.name,
      requesterName: requester.name,
      deviceName: devices.hostname,
      justification: serviceRequests.justification,
      approverName: approver.name,
    })
    .from(serviceRequests)
    .innerJoin(products, eq(products.id, serviceRequests.productId))
    .innerJoin(requester, eq(requester.id, serviceRequests.requesterId))
    .innerJoin(devices, eq(devices.id, serviceRequests.deviceId))
    .innerJoin(approver, eq(approver.id, sql`${link.approverId}::uuid`))
    .where(eq(serviceRequests.id, link.requestId));
  if (!row) return { state: 'gone', reason: 'stale' };
  return { state: 'ready', request: { ...row, expiresAt: link.expiresAt } };
}

export interface LinkDecision {
  decision: 'approved' | 'rejected';
  comment: string;
}

/**
 * Decides through a link: the link is consumed by a conditional update and the decision made by
 * decide()'s own rules in the same transaction, so of two clicks at once exactly one decides and
 * the other is told the link was used; a decision the rules refuse consumes nothing. The link acts
 * for the approver it was sent to (and only while they are an active account); someone signed in
 * as another person is refused rather than deciding in a name that is not theirs.
 */
export async function decideByLink(token: string, input: LinkDecision, signedIn: Actor | null): Promise<DecisionResult> {
  if (!wellFormed(token)) throw new NotFoundError('This approval link is not valid.');
  if (input.decision === 'rejected' && input.comment.trim() === '') throw new ValidationError('Give the reason for rejecting.', 'comment');
  const tokenHash = hashToken(token);
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [link] = await tx
        .update(approvalLinks)
        .set({ usedAt: new Date(), usedFor: input.decision })
        .where(and(eq(approvalLinks.tokenHash, tokenHash), isNull(approvalLinks.usedAt), gt(approvalLinks.expiresAt, sql`now()`)))
        .returning();
      if (!link) {
        const known = await linkOf(tx, token);
        if (!known) throw new NotFoundError('This approval link is not valid.');
        if (known.usedAt) throw new ConflictError('This approval link was already used. Nothing more was decided.');
        throw new ConflictError('This approval link has expired. Decide in the portal instead.');
      }
      if (signedIn && signedIn.id !== link.approverId)
        throw new ForbiddenError(
          `This link was sent to another approver, and you are signed in as ${signedIn.email}. Nothing was decided.`,
        );
      const approver = await tx.query.users.findFirst({ where: and(eq(users.id, link.approverId), eq(users.active, true)) });
      if (!approver) throw new ForbiddenError('The account this link was sent to is disabled.');
      const actor: Actor = { id: approver.id, email: approver.email, name: approver.name, roles: approver.roles };
      return decideIn(tx, actor, { requestId: link.requestId, stage: link.stage, ...input }, 'e-mail link');
    }),
  );
}
