import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { entitlements, products, releases, serviceRequests, type Product, type ServiceRequest } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import { notify } from '@/lib/notifications/service';

/** States from which a final approval may still grant (a closed request never is). */
const GRANTABLE = ['submitted', 'pending_approval', 'waiting_for_seat'] as const;

/**
 * Locks the product row for the rest of the transaction. Every seat decision for a product takes
 * this lock first, so concurrent approvals count seats one after another and can never hand out
 * more than the limit. NO KEY UPDATE, not UPDATE: inserting a request or entitlement takes a
 * KEY SHARE lock on its product (the foreign key), and UPDATE would wait on that while the other
 * transaction waits on ours — the deadlock two people requesting one product at once ran into.
 */
export async function lockProduct(tx: Tx, productId: string): Promise<Product> {
  const [product] = await tx.select().from(products).where(eq(products.id, productId)).for('no key update');
  if (!product) throw new Error(`Product ${productId} vanished`);
  return product;
}

async function seatsInUse(tx: Tx, productId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(entitlements)
    .where(and(eq(entitlements.productId, productId), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true)));
  return row?.n ?? 0;
}

/** The release a request grants: the one asked for, or the product's current published release. */
async function grantedRelease(tx: Tx, request: ServiceRequest): Promise<string | null> {
  if (request.releaseId) return request.releaseId;
  const [current] = await tx
    .select({ id: releases.id })
    .from(releases)
    .where(and(eq(releases.productId, request.productId), eq(releases.status, 'published')))
    .orderBy(desc(releases.publishedAt))
    .limit(1);
  return current?.id ?? null;
}

/**
 * The last approval has been given: grant the entitlement (holding a seat where the product has a
 * limit), or, when no seat is free, park the request in 'waiting_for_seat' or reject it, as the
 * product says. Runs inside the caller's transaction, after the product lock.
 */
export async function fulfilApproval(tx: Tx, request: ServiceRequest, actor: AuditActor): Promise<void> {
  const product = await lockProduct(tx, request.productId);
  if (product.seatLimit !== null && (await seatsInUse(tx, product.id)) >= product.seatLimit) {
    const status = product.seatExhausted === 'wait' ? 'waiting_for_seat' : 'rejected';
    const reason = status === 'rejected' ? `All ${product.seatLimit} licence seats of ${product.name} are in use.` : null;
    await tx
      .update(serviceRequests)
      .set({ status, currentStage: null, stageDueAt: null, closedReason: reason, updatedAt: new Date() })
      .where(and(eq(serviceRequests.id, request.id), inArray(serviceRequests.status, [...GRANTABLE])));
    await recordAudit(
      { actor, action: `request.${status}`, entityType: 'service_request', entityId: request.id, after: { status, reason } },
      tx,
    );
    await notify(tx, [request.requesterId], {
      kind: status === 'rejected' ? 'request_decided' : 'waiting_for_seat',
      title: status === 'rejected' ? `No licence seat free for ${product.name}` : `${product.name}: approved, waiting for a licence seat`,
      body: reason ?? 'Your request is approved. It will be fulfilled, first come first served, as soon as a seat is free.',
      link: `/requests/${request.id}`,
    });
    return;
  }

  // Conditional: a request cancelled (or otherwise closed) since it was read is never granted.
  const [granted] = await tx
    .update(serviceRequests)
    .set({ status: 'approved', currentStage: null, stageDueAt: null, updatedAt: new Date() })
    .where(and(eq(serviceRequests.id, request.id), inArray(serviceRequests.status, [...GRANTABLE])))
    .returning({ id: serviceRequests.id });
  if (!granted) return;
  const releaseId = await grantedRelease(tx, request);
  const expiresAt = product.entitlementDays ? new Date(Date.now() + product.entitlementDays * 86_400_000) : null;
  const [entitlement] = await tx
    .insert(entitlements)
    .values({
      userId: request.requesterId,
      deviceId: request.deviceId,
      productId: product.id,
      releaseId,
      includesLaterReleases: request.releaseId === null,
      requestId: request.id,
      holdsSeat: product.seatLimit !== null,
      expiresAt,
    })
    .returning();
  await recordAudit(
    {
      actor,
      action: 'request.approved',
      entityType: 'service_request',
      entityId: request.id,
      after: { entitlementId: entitlement!.id, releaseId },
    },
    tx,
  );
  await notify(tx, [request.requesterId], {
    kind: 'ready_to_download',
    title: `${product.name} is approved and ready to download`,
    body: 'Download it from your request, or let the portal agent on your device pull it.',
    link: `/requests/${request.id}`,
  });
}

/**
 * A seat was freed: hand it to the oldest request waiting for one (first come, first served).
 * Call inside the transaction that freed the seat.
 */
export async function promoteWaiting(tx: Tx, productId: string): Promise<void> {
  const product = await lockProduct(tx, productId);
  if (product.seatLimit === null) return;
  const free = product.seatLimit - (await seatsInUse(tx, productId));
  if (free <= 0) return;
  // Locked, so a cancel running now either finishes first (and the row no longer qualifies when
  // PostgreSQL re-reads it after the lock) or waits until the seat is given.
  const waiting = await tx
    .select()
    .from(serviceRequests)
    .where(and(eq(serviceRequests.productId, productId), eq(serviceRequests.status, 'waiting_for_seat')))
    .orderBy(asc(serviceRequests.createdAt), asc(serviceRequests.id))
    .limit(free)
    .for('update');
  for (const request of waiting) await fulfilApproval(tx, request, { kind: 'system' });
}

/** Ends the active entitlements of these requests (cancellation, revocation) and frees their seats. */
export async function endEntitlements(tx: Tx, requestIds: string[], status: 'revoked' | 'expired'): Promise<string[]> {
  if (requestIds.length === 0) return [];
  const ended = await tx
    .update(entitlements)
    .set({ status, endedAt: sql`now()` })
    .where(and(inArray(entitlements.requestId, requestIds), eq(entitlements.status, 'active')))
    .returning({ productId: entitlements.productId, holdsSeat: entitlements.holdsSeat });
  return [...new Set(ended.filter((e) => e.holdsSeat).map((e) => e.productId))];
}
