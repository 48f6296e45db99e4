import { and, eq, lt, lte } from 'drizzle-orm';
import { getDb } from '@/db';
import { entitlements, products, serviceRequests } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, ConflictError, NotFoundError, retryOnContention } from '@/lib/errors';
import { notify, settleNotifications } from '@/lib/notifications/service';
import { endEntitlements, promoteWaiting } from './fulfilment';
import { stageApprovers, currentStage } from './approvers';

/** The requester withdraws a request that is still waiting (for approval or for a seat). */
export async function cancelRequest(actor: Actor, requestId: string): Promise<void> {
  assertId(requestId, 'No such request.', 'requestId');
  await retryOnContention(() => cancelOnce(actor, requestId));
}

async function cancelOnce(actor: Actor, requestId: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    const [request] = await tx.select().from(serviceRequests).where(eq(serviceRequests.id, requestId)).for('update');
    if (!request || request.requesterId !== actor.id) throw new NotFoundError('No such request.', 'requestId');
    if (request.status !== 'pending_approval' && request.status !== 'waiting_for_seat') {
      throw new ConflictError(`This request is already ${request.status.replace(/_/g, ' ')} and can no longer be cancelled.`);
    }
    await tx
      .update(serviceRequests)
      .set({ status: 'cancelled', currentStage: null, stageDueAt: null, closedReason: 'Cancelled by the requester', updatedAt: new Date() })
      .where(eq(serviceRequests.id, requestId));
    await recordAudit(
      { actor: { kind: 'user', id: actor.id }, action: 'request.cancelled', entityType: 'service_request', entityId: requestId },
      tx,
    );
    // Nothing is left for its approvers to do.
    await settleNotifications(tx, `/approvals/${requestId}`);
  });
}

/**
 * Expires requests whose current stage is overdue, tells their requesters, and reminds approvers of
 * stages due within a day (once per stage). Idempotent and race-free (conditional updates, rows
 * locked or skipped), so two runs at once do each thing once; scheduled in lib/requests/jobs.ts.
 */
export async function sweepRequests(now = new Date()): Promise<{ expired: number; reminded: number }> {
  const db = getDb();
  const expired = await db.transaction(async (tx) => {
    const rows = await tx
      .update(serviceRequests)
      .set({ status: 'expired', closedReason: 'No decision before the due date', currentStage: null, updatedAt: now })
      .where(and(eq(serviceRequests.status, 'pending_approval'), lt(serviceRequests.stageDueAt, now)))
      .returning();
    for (const r of rows) {
      await recordAudit(
        {
          actor: { kind: 'system' },
          action: 'request.expired',
          entityType: 'service_request',
          entityId: r.id,
          after: { dueAt: r.stageDueAt },
        },
        tx,
      );
      await settleNotifications(tx, `/approvals/${r.id}`);
      const product = await tx.query.products.findFirst({ where: eq(products.id, r.productId) });
      await notify(tx, [r.requesterId], {
        kind: 'request_expired',
        title: `Your request for ${product?.name ?? 'software'} expired`,
        body: 'It was not decided before its due date. You can request it again.',
        link: `/requests/${r.id}`,
      });
    }
    return rows.length;
  });
  const soon = new Date(now.getTime() + 24 * 3_600_000);
  const reminded = await db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(serviceRequests)
      .where(and(eq(serviceRequests.status, 'pending_approval'), lte(serviceRequests.stageDueAt, soon)))
      .for('update', { skipLocked: true });
    let n = 0;
    for (const r of due) {
      if (r.dueSoonNotifiedStage === r.currentStage) continue;
      const stage = await currentStage(tx, r);
      if (!stage) continue;
      await tx.update(serviceRequests).set({ dueSoonNotifiedStage: r.currentStage }).where(eq(serviceRequests.id, r.id));
      await notify(tx, await stageApprovers(tx, stage, r.requesterId), {
        kind: 'approval_due_soon',
        title: 'A request waiting on you is due within a day',
        body: r.justification,
        link: `/approvals/${r.id}`,
      });
      n++;
    }
    return n;
  });
  return { expired, reminded };
}

/** A librarian or admin ends an entitlement; its seat goes to the next request waiting for one. */
export async function revokeEntitlement(actor: Actor, entitlementId: string, reason: string): Promise<void> {
  assertRole(actor, 'librarian', 'admin');
  assertId(entitlementId, 'No such entitlement.', 'entitlementId');
  await retryOnContention(() => revokeOnce(actor, entitlementId, reason));
}

async function revokeOnce(actor: Actor, entitlementId: string, reason: string): Promise<void> {
  return getDb().transaction(async (tx) => {
    const [e] = await tx.select().from(entitlements).where(eq(entitlements.id, entitlementId)).for('update');
    if (!e) throw new NotFoundError('No such entitlement.');
    if (e.status !== 'active') throw new ConflictError(`This entitlement is already ${e.status}.`);
    await tx.update(entitlements).set({ status: 'revoked', endedAt: new Date() }).where(eq(entitlements.id, entitlementId));
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'entitlement.revoked',
        entityType: 'entitlement',
        entityId: entitlementId,
        after: { reason },
      },
      tx,
    );
    if (e.holdsSeat) await promoteWaiting(tx, e.productId);
  });
}

/** Expires entitlements past their end date and hands their seats on. */
export async function expireEntitlements(now = new Date()): Promise<number> {
  return getDb().transaction(async (tx) => {
    const due = await tx
      .select({ requestId: entitlements.requestId })
      .from(entitlements)
      .where(and(eq(entitlements.status, 'active'), lt(entitlements.expiresAt, now)));
    const ids = due.flatMap((d) => (d.requestId ? [d.requestId] : []));
    for (const productId of await endEntitlements(tx, ids, 'expired')) await promoteWaiting(tx, productId);
    return ids.length;
  });
}

/** The requester's download of an approved request completed: the request is fulfilled. */
export async function markFulfilled(requestId: string, by: { kind: 'user' | 'device'; id: string }): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    const done = await tx
      .update(serviceRequests)
      .set({ status: 'fulfilled', updatedAt: new Date() })
      .where(and(eq(serviceRequests.id, requestId), eq(serviceRequests.status, 'approved')))
      .returning({ id: serviceRequests.id });
    if (done.length) await recordAudit({ actor: by, action: 'request.fulfilled', entityType: 'service_request', entityId: requestId }, tx);
    return done.length > 0;
  });
}
