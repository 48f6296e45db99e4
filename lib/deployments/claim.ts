import { and, count, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { deploymentAssignments, deployments, devices, entitlements, releases } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertId, ConflictError, retryOnContention } from '@/lib/errors';
import { lockProduct } from '@/lib/requests/fulfilment';
import { assertActsForDevice, auditActorOf, type AssignmentPrincipal } from './device-principal';

/*
 * Minimal "install now" for an available assignment, written so the device side works before the
 * merge: the deploy-plan branch owns the assignment rule, and the lead keeps one claimAvailable.
 */

/**
 * Turns an available assignment into an entitlement to the deployment's release (deploymentId
 * set), holding a licence seat where the product has a limit, in one transaction under the
 * product lock (so seats are never over-allocated). Idempotent: a claimed assignment returns its
 * entitlement. An active entitlement to an older release of the product on this device is
 * superseded (revoked, its seat passed to this one); one that already covers the release is reused.
 */
export async function claimAvailable(
  principal: AssignmentPrincipal,
  deploymentId: string,
  deviceId: string,
): Promise<{ entitlementId: string }> {
  assertId(deploymentId, 'No such assignment on a device of yours.', 'deployment');
  assertId(deviceId, 'No such assignment on a device of yours.', 'device');
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [row] = await tx
        .select({ a: deploymentAssignments, d: deployments, device: { id: devices.id, ownerId: devices.ownerId, status: devices.status } })
        .from(deploymentAssignments)
        .innerJoin(deployments, eq(deployments.id, deploymentAssignments.deploymentId))
        .innerJoin(devices, eq(devices.id, deploymentAssignments.deviceId))
        .where(and(eq(deploymentAssignments.deploymentId, deploymentId), eq(deploymentAssignments.deviceId, deviceId)))
        .for('update', { of: deploymentAssignments });
      assertActsForDevice(principal, row?.device);
      const { a, d, device } = row!;
      if (a.entitlementId) return { entitlementId: a.entitlementId };
      if (d.intent !== 'available') throw new ConflictError('A required deployment installs by itself; there is nothing to claim.');
      if (d.status !== 'active' || a.endedAt || device.status !== 'active') {
        throw new ConflictError(`Deployment "${d.name}" is not available on this device now.`);
      }
      const product = await lockProduct(tx, d.productId);
      const [held] = await tx
        .select({ e: entitlements, publishedAt: releases.publishedAt })
        .from(entitlements)
        .leftJoin(releases, eq(releases.id, entitlements.releaseId))
        .where(
          and(
            eq(entitlements.userId, device.ownerId),
            eq(entitlements.deviceId, deviceId),
            eq(entitlements.productId, d.productId),
            eq(entitlements.status, 'active'),
          ),
        )
        .for('update', { of: entitlements });
      let entitlementId: string;
      if (held && (held.e.releaseId === d.releaseId || (held.e.includesLaterReleases && held.e.releaseId === null))) {
        entitlementId = held.e.id;
      } else {
        if (held) {
          await tx
            .update(entitlements)
            .set({ status: 'revoked', endedAt: sql`now()` })
            .where(eq(entitlements.id, held.e.id));
          await recordAudit(
            {
              actor: auditActorOf(principal),
              action: 'entitlement.revoked',
              entityType: 'entitlement',
              entityId: held.e.id,
              after: { reason: `Superseded by deployment "${d.name}"` },
            },
            tx,
          );
        }
        if (product.seatLimit !== null) {
          const [used] = await tx
            .select({ n: count() })
            .from(entitlements)
            .where(and(eq(entitlements.productId, product.id), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true)));
          if ((used?.n ?? 0) >= product.seatLimit)
            throw new ConflictError(`All ${product.seatLimit} licence seats of ${product.name} are in use.`);
        }
        const [e] = await tx
          .insert(entitlements)
          .values({
            userId: device.ownerId,
            deviceId,
            productId: d.productId,
            releaseId: d.releaseId,
            deploymentId: d.id,
            holdsSeat: product.seatLimit !== null,
          })
          .returning({ id: entitlements.id });
        entitlementId = e!.id;
      }
      await tx
        .update(deploymentAssignments)
        .set({ entitlementId })
        .where(and(eq(deploymentAssignments.deploymentId, d.id), eq(deploymentAssignments.deviceId, deviceId)));
      await recordAudit(
        {
          actor: auditActorOf(principal),
          action: 'deployment.claimed',
          entityType: 'deployment',
          entityId: d.id,
          after: { deviceId, entitlementId },
        },
        tx,
      );
      return { entitlementId };
    }),
  );
}
