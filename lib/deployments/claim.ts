import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db';
import { deploymentAssignments, deployments, devices, entitlements } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { assertId, ConflictError, ForbiddenError, NotFoundError, retryOnContention } from '@/lib/errors';
import { lockProduct } from '@/lib/requests/fulfilment';
import { grantAssignment, needsNewSeat, seatsInUse } from './seats';

/** Who asks for an available deployment: the device itself (its token) or the device's owner. */
export type ClaimPrincipal = { kind: 'user'; actor: Actor } | { kind: 'device'; deviceId: string };

/**
 * "Install now" on an available deployment: the device's assignment gets its entitlement (and a
 * licence seat where the product has a limit), in one transaction after the product lock, so
 * concurrent claims never hand out more seats than exist. Claiming again returns the same
 * entitlement. No seat free is a 409 saying so; nothing is stored.
 */
export async function claimAvailable(
  principal: ClaimPrincipal,
  deploymentId: string,
  deviceId: string,
): Promise<{ entitlementId: string }> {
  assertId(deploymentId, 'No such deployment.', 'deploymentId');
  assertId(deviceId, 'No such device.', 'deviceId');
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const device = await tx.query.devices.findFirst({ where: eq(devices.id, deviceId) });
      const mayAct =
        principal.kind === 'device' ? principal.deviceId === deviceId : device !== undefined && device.ownerId === principal.actor.id;
      if (!device || !mayAct) throw new NotFoundError('No such device.', 'deviceId');
      if (device.status !== 'active') throw new ForbiddenError('This device is not active.');
      // Shares the deployment row: claims run side by side, but not beside a sweep or a cancel.
      const [d] = await tx.select().from(deployments).where(eq(deployments.id, deploymentId)).for('share');
      const [assignment] = await tx
        .select()
        .from(deploymentAssignments)
        .where(
          and(
            eq(deploymentAssignments.deploymentId, deploymentId),
            eq(deploymentAssignments.deviceId, deviceId),
            isNull(deploymentAssignments.endedAt),
          ),
        )
        // Two "install now" at once: the second waits here and then finds the first one's entitlement.
        .for('update');
      if (!d || !assignment) throw new NotFoundError('This deployment is not assigned to this device.', 'deploymentId');
      if (d.intent !== 'available') throw new ConflictError('This deployment is required; the device gets it without asking.');
      if (d.status !== 'active') throw new ConflictError(`This deployment is ${d.status.replace('_', ' ')}.`);
      if (assignment.entitlementId) {
        const current = await tx.query.entitlements.findFirst({ where: eq(entitlements.id, assignment.entitlementId) });
        if (current?.status === 'active') return { entitlementId: current.id };
      }
      const product = await lockProduct(tx, d.productId);
      if (
        product.seatLimit !== null &&
        (await needsNewSeat(tx, d.productId, deviceId)) &&
        (await seatsInUse(tx, d.productId)) >= product.seatLimit
      )
        throw new ConflictError(`All ${product.seatLimit} licence seats of ${product.name} are in use.`);
      if (!device.ownerId) throw new NotFoundError('No such device.', 'deviceId'); // ownerless: nobody to entitle
      const { entitlementId, tookSeat } = await grantAssignment(tx, d, product, { id: device.id, ownerId: device.ownerId });
      const actor: AuditActor = principal.kind === 'device' ? { kind: 'device', id: deviceId } : { kind: 'user', id: principal.actor.id };
      await recordAudit(
        { actor, action: 'deployment.claimed', entityType: 'deployment', entityId: d.id, after: { deviceId, entitlementId, tookSeat } },
        tx,
      );
      return { entitlementId };
    }),
  );
}
