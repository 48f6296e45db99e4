import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { devices, serviceRequests, users } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import { revokeAllSessions } from '@/lib/auth/sessions';

const OPEN = ['submitted', 'pending_approval', 'waiting_for_seat'] as const;

/**
 * Takes a person out of the portal when the IdP deactivates (or deletes) them, in the caller's
 * transaction, every step audited:
 * - their sessions end now (the next request is signed out);
 * - their requests still waiting are cancelled with a reason;
 * - approvals they were to decide move on: group stages already skip inactive members
 *   (lib/requests/approvers.ts); for manager stages their direct reports get the deactivated
 *   person's own manager, so pending and future manager stages go one level up (with no manager
 *   above, reports have none until the IdP or an administrator sets one, and such stages expire);
 * - their devices stay, owned by nobody, until the service desk reassigns them (an ownerless
 *   device's token no longer works, since devices act for their owner).
 * Returns false when the person was already inactive (nothing to do).
 */
export async function deactivateUser(tx: Tx, userId: string, by: AuditActor, reason: string): Promise<boolean> {
  const [user] = await tx
    .update(users)
    .set({ active: false })
    .where(and(eq(users.id, userId), eq(users.active, true)))
    .returning();
  if (!user) return false;
  const sessions = await revokeAllSessions(userId, reason, tx);
  const cancelled = await tx
    .update(serviceRequests)
    .set({ status: 'cancelled', currentStage: null, stageDueAt: null, closedReason: `Cancelled: ${reason}`, updatedAt: new Date() })
    .where(and(eq(serviceRequests.requesterId, userId), inArray(serviceRequests.status, OPEN)))
    .returning({ id: serviceRequests.id });
  for (const r of cancelled) {
    await recordAudit({ actor: by, action: 'request.cancelled', entityType: 'service_request', entityId: r.id, after: { reason } }, tx);
  }
  const reports = await tx
    .update(users)
    .set({ managerId: sql`case when ${user.managerId}::uuid = ${users.id} then null else ${user.managerId}::uuid end` })
    .where(and(eq(users.managerId, userId), ne(users.id, userId)))
    .returning({ id: users.id, managerId: users.managerId });
  for (const r of reports) {
    await recordAudit(
      {
        actor: by,
        action: 'user.manager_reassigned',
        entityType: 'user',
        entityId: r.id,
        before: { managerId: userId },
        after: { managerId: r.managerId, reason },
      },
      tx,
    );
  }
  const orphaned = await tx.update(devices).set({ ownerId: null }).where(eq(devices.ownerId, userId)).returning({ id: devices.id });
  for (const d of orphaned) {
    await recordAudit(
      { actor: by, action: 'device.owner_removed', entityType: 'device', entityId: d.id, before: { ownerId: userId }, after: { reason } },
      tx,
    );
  }
  await recordAudit(
    {
      actor: by,
      action: 'user.deactivated',
      entityType: 'user',
      entityId: userId,
      before: { active: true },
      after: {
        active: false,
        reason,
        sessionsEnded: sessions,
        requestsCancelled: cancelled.length,
        reports: reports.length,
        devices: orphaned.length,
      },
    },
    tx,
  );
  return true;
}
