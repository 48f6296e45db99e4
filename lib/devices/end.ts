import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { entitlements, serviceRequests } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import { promoteWaiting } from '@/lib/requests/fulfilment';

/**
 * A device leaves service (retired by its owner, revoked by the desk): what it held is given back
 * in the same transaction. Its active entitlements end and their licence seats pass to the next
 * waiting request; its requests still waiting are cancelled, so that no approval or free seat is
 * later spent on a device that can no longer pull anything.
 */
export async function releaseDeviceHoldings(tx: Tx, deviceId: string, actor: AuditActor, reason: string): Promise<void> {
  const ended = await tx
    .update(entitlements)
    .set({ status: 'revoked', endedAt: sql`now()` })
    .where(and(eq(entitlements.deviceId, deviceId), eq(entitlements.status, 'active')))
    .returning({ id: entitlements.id, productId: entitlements.productId, holdsSeat: entitlements.holdsSeat });
  for (const e of ended) {
    await recordAudit({ actor, action: 'entitlement.revoked', entityType: 'entitlement', entityId: e.id, after: { reason } }, tx);
  }
  const cancelled = await tx
    .update(serviceRequests)
    .set({ status: 'cancelled', currentStage: null, stageDueAt: null, closedReason: reason, updatedAt: new Date() })
    .where(
      and(eq(serviceRequests.deviceId, deviceId), inArray(serviceRequests.status, ['submitted', 'pending_approval', 'waiting_for_seat'])),
    )
    .returning({ id: serviceRequests.id });
  for (const r of cancelled) {
    await recordAudit({ actor, action: 'request.cancelled', entityType: 'service_request', entityId: r.id, after: { reason } }, tx);
  }
  for (const productId of new Set(ended.filter((e) => e.holdsSeat).map((e) => e.productId))) {
    await promoteWaiting(tx, productId);
  }
}
