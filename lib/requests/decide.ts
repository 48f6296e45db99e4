import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { approvals, approvalStages, products, serviceRequests, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { AppError, ConflictError, ForbiddenError, NotFoundError, retryOnContention } from '@/lib/errors';
import { notify, settleNotifications } from '@/lib/notifications/service';
import { currentStage, decidingAs, stageApprovers } from './approvers';
import { approvalLinksFor } from '@/lib/approval-links/issue';
import { fulfilApproval } from './fulfilment';
import type { DecisionInput } from './schema';
import { stageDue } from './submit';

export interface DecisionResult {
  requestId: string;
  status: string;
  /** The stage now waiting, when the request moved on to another stage. */
  stage: number | null;
}

/**
 * An approver decides the stage a request is waiting on. The request row is locked first, so of
 * two approvers deciding at once exactly one decision counts for a single-approver stage and the
 * other is told; an N-of-M stage counts distinct approvers (a delegate counts as the person they
 * stand in for). Nobody decides their own request, whatever their roles.
 */
export async function decide(actor: Actor, input: DecisionInput): Promise<DecisionResult> {
  return retryOnContention(() => getDb().transaction((tx) => decideIn(tx, actor, input)));
}

/** How a decision reached the portal, when not from its own pages (kept in the audit entry). */
export type DecisionChannel = 'e-mail link';

/** Who decided a stage before this approver got to it, for the message the latecomer sees. */
async function lastDecision(tx: Tx, requestId: string, stage: number | null) {
  const [row] = await tx
    .select({ name: users.name, decision: approvals.decision })
    .from(approvals)
    .innerJoin(users, eq(users.id, approvals.approverId))
    .where(and(eq(approvals.requestId, requestId), stage === null ? undefined : eq(approvals.stage, stage)))
    .orderBy(desc(approvals.decidedAt))
    .limit(1);
  return row;
}

/**
 * The decision inside the caller's transaction, with every rule of decide(): for a caller that
 * must commit something of its own with it (a consumed e-mail link) or not at all.
 */
export async function decideIn(tx: Tx, actor: Actor, input: DecisionInput, via?: DecisionChannel): Promise<DecisionResult> {
  const [request] = await tx.select().from(serviceRequests).where(eq(serviceRequests.id, input.requestId)).for('update');
  if (!request) throw new NotFoundError('No such request.', 'requestId');
  if (request.requesterId === actor.id) throw new ForbiddenError('You cannot decide your own request.');
  if (request.status !== 'pending_approval') {
    const last = await lastDecision(tx, request.id, input.stage ?? null);
    throw new ConflictError(`This request is already ${request.status.replace(/_/g, ' ')}${last ? ` (decided by ${last.name})` : ''}.`);
  }
  if (input.stage !== undefined && request.currentStage !== input.stage) {
    const last = await lastDecision(tx, request.id, input.stage);
    throw new ConflictError(`Stage ${input.stage} was already ${last ? `${last.decision} by ${last.name}` : 'decided'}.`);
  }
  const stage = await currentStage(tx, request);
  if (!stage) throw new ConflictError('This request is not waiting on an approval.');
  const as = await decidingAs(tx, stage, request.requesterId, actor.id);
  if (!as) throw new ForbiddenError('You are not an approver for this stage of the request.');
  // Past its due date the request is expired in all but name (the periodic sweep records that),
  // so a late decision must not slip in first. Checked after eligibility: only its approvers learn it.
  if (request.stageDueAt && request.stageDueAt <= new Date())
    throw new ConflictError('This request passed its due date without a decision and has expired.');

  const principal = as.onBehalfOfId ?? as.approverId;
  const [already] = await tx
    .select({ id: approvals.id })
    .from(approvals)
    .where(
      and(
        eq(approvals.requestId, request.id),
        eq(approvals.stage, stage.position),
        sql`coalesce(${approvals.onBehalfOfId}, ${approvals.approverId}) = ${principal}`,
      ),
    );
  if (already)
    throw new ConflictError(
      as.onBehalfOfId ? 'A decision for this approver has already been recorded.' : 'You have already decided this stage.',
    );

  await tx.insert(approvals).values({
    requestId: request.id,
    stage: stage.position,
    approverId: as.approverId,
    onBehalfOfId: as.onBehalfOfId,
    decision: input.decision,
    comment: input.comment,
  });
  // The decider has handled what they were told about; when the stage is over, everyone has.
  await settleNotifications(tx, `/approvals/${request.id}`, [actor.id, principal]);
  const audit = { actor: { kind: 'user' as const, id: actor.id }, entityType: 'service_request', entityId: request.id };
  await recordAudit(
    {
      ...audit,
      action: `approval.${input.decision}`,
      after: { stage: stage.position, comment: input.comment, onBehalfOfId: as.onBehalfOfId, ...(via ? { via } : {}) },
    },
    tx,
  );
  const product = (await tx.query.products.findFirst({ where: eq(products.id, request.productId) }))!;

  if (input.decision === 'rejected') {
    await tx
      .update(serviceRequests)
      .set({ status: 'rejected', closedReason: input.comment, currentStage: null, stageDueAt: null, updatedAt: new Date() })
      .where(eq(serviceRequests.id, request.id));
    await recordAudit({ ...audit, action: 'request.rejected', after: { reason: input.comment } }, tx);
    await settleNotifications(tx, `/approvals/${request.id}`);
    await notify(tx, [request.requesterId], {
      kind: 'request_decided',
      title: `Your request for ${product.name} was rejected`,
      body: input.comment,
      link: `/requests/${request.id}`,
    });
    return { requestId: request.id, status: 'rejected', stage: null };
  }

  const [{ n }] = (await tx
    .select({ n: sql<number>`count(distinct coalesce(${approvals.onBehalfOfId}, ${approvals.approverId}))`.mapWith(Number) })
    .from(approvals)
    .where(and(eq(approvals.requestId, request.id), eq(approvals.stage, stage.position), eq(approvals.decision, 'approved')))) as [
    { n: number },
  ];
  if (n < stage.requiredApprovals) return { requestId: request.id, status: 'pending_approval', stage: stage.position };
  await settleNotifications(tx, `/approvals/${request.id}`);

  const next = await tx.query.approvalStages.findFirst({
    where: and(eq(approvalStages.productId, request.productId), gt(approvalStages.position, stage.position)),
    orderBy: [asc(approvalStages.position)],
  });
  if (next) {
    await tx
      .update(serviceRequests)
      .set({ currentStage: next.position, stageDueAt: stageDue(product.approvalTimeoutHours), updatedAt: new Date() })
      .where(eq(serviceRequests.id, request.id));
    await recordAudit({ ...audit, action: 'request.stage_advanced', after: { stage: next.position } }, tx);
    const requester = await tx.query.users.findFirst({ where: eq(users.id, request.requesterId) });
    await notify(
      tx,
      await stageApprovers(tx, next, request.requesterId),
      {
        kind: 'approval_waiting',
        title: `${requester?.name ?? 'Someone'} requests ${product.name}`,
        body: request.justification,
        link: `/approvals/${request.id}`,
      },
      approvalLinksFor(request.id, next.position),
    );
    return { requestId: request.id, status: 'pending_approval', stage: next.position };
  }
  await fulfilApproval(tx, request, audit.actor);
  const [now] = await tx.select({ status: serviceRequests.status }).from(serviceRequests).where(eq(serviceRequests.id, request.id));
  return { requestId: request.id, status: now!.status, stage: null };
}

/** Approves several requests; each is its own decision, and one failure does not stop the rest. */
export async function approveMany(
  actor: Actor,
  requestIds: string[],
  comment = '',
): Promise<{ requestId: string; ok: boolean; message: string }[]> {
  const results = [];
  for (const requestId of requestIds) {
    try {
      const r = await decide(actor, { requestId, decision: 'approved', comment });
      results.push({ requestId, ok: true, message: r.status.replace(/_/g, ' ') });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      results.push({ requestId, ok: false, message: e.message });
    }
  }
  return results;
}
