import { and, count, eq, isNull, not, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db';
import { deploymentAssignments, devices, entitlements, type Deployment, type Product } from '@/db/schema';
import { awaitsCutoverSql } from './cutover';
import { deploymentCondition } from './rules-sql';

/** Active entitlements of a product that hold a licence seat. */
export async function seatsInUse(tx: DbOrTx, productId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(entitlements)
    .where(and(eq(entitlements.productId, productId), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true)));
  return row?.n ?? 0;
}

/**
 * Gives one assigned device its entitlement to the deployment's release. The caller holds the
 * product lock (lockProduct) and has checked that a seat is free if one is needed. An active
 * entitlement the device already has for the product (a request's, or an older deployment's) is
 * superseded: the deployment now decides which release the device gets, and the seat moves with
 * it, so superseding never needs a second seat. Returns whether a new seat was taken.
 */
export async function grantAssignment(
  tx: Tx,
  deployment: Pick<Deployment, 'id' | 'productId' | 'releaseId'>,
  product: Pick<Product, 'seatLimit'>,
  device: { id: string; ownerId: string },
): Promise<{ entitlementId: string; tookSeat: boolean }> {
  const [previous] = await tx
    .update(entitlements)
    .set({ status: 'revoked', endedAt: sql`now()` })
    .where(
      and(
        eq(entitlements.userId, device.ownerId),
        eq(entitlements.deviceId, device.id),
        eq(entitlements.productId, deployment.productId),
        eq(entitlements.status, 'active'),
      ),
    )
    .returning({ id: entitlements.id, holdsSeat: entitlements.holdsSeat });
  const holdsSeat = product.seatLimit !== null;
  const [granted] = await tx
    .insert(entitlements)
    .values({
      userId: device.ownerId,
      deviceId: device.id,
      productId: deployment.productId,
      releaseId: deployment.releaseId,
      deploymentId: deployment.id,
      holdsSeat,
    })
    .returning({ id: entitlements.id });
  await tx
    .update(deploymentAssignments)
    .set({ entitlementId: granted!.id })
    .where(and(eq(deploymentAssignments.deploymentId, deployment.id), eq(deploymentAssignments.deviceId, device.id)));
  return { entitlementId: granted!.id, tookSeat: holdsSeat && !previous?.holdsSeat };
}

/** Whether granting this device would take a new seat (it holds none of the product yet). */
export async function needsNewSeat(tx: DbOrTx, productId: string, deviceId: string): Promise<boolean> {
  const [held] = await tx
    .select({ id: entitlements.id })
    .from(entitlements)
    .where(
      and(
        eq(entitlements.productId, productId),
        eq(entitlements.deviceId, deviceId),
        eq(entitlements.status, 'active'),
        eq(entitlements.holdsSeat, true),
      ),
    )
    .limit(1);
  return !held;
}

export interface SeatShortfall {
  limit: number | null;
  inUse: number;
  free: number | null;
  /** Covered devices that hold no seat of the product yet. */
  needing: number;
  /** Devices that would get no seat if the deployment took them all now. */
  shortfall: number;
  /** Assigned to a required deployment but still without a seat (they get one when a seat frees up). */
  waitingForSeat: number;
}

/** The licence picture of a deployment, shown before it is scheduled and while it runs. */
export async function seatShortfall(
  tx: DbOrTx,
  deployment: Pick<Deployment, 'id' | 'productId' | 'environment' | 'intent'>,
  product: Pick<Product, 'seatLimit'>,
  rules: Parameters<typeof deploymentCondition>[0],
): Promise<SeatShortfall> {
  const inUse = await seatsInUse(tx, deployment.productId);
  const [needing] = await tx
    .select({ n: count() })
    .from(devices)
    .where(
      and(
        deploymentCondition(rules, deployment.environment),
        sql`not exists (select 1 from ${entitlements} e where e.device_id = ${devices.id} and e.product_id = ${deployment.productId} and e.status = 'active' and e.holds_seat)`,
      ),
    );
  const [waiting] =
    deployment.intent === 'required'
      ? await tx
          .select({ n: count() })
          .from(deploymentAssignments)
          .where(
            and(
              eq(deploymentAssignments.deploymentId, deployment.id),
              isNull(deploymentAssignments.endedAt),
              isNull(deploymentAssignments.entitlementId),
              not(awaitsCutoverSql(sql`${deployment.id}`, sql`${deploymentAssignments.deviceId}`)),
            ),
          )
      : [{ n: 0 }];
  const limit = product.seatLimit;
  const free = limit === null ? null : Math.max(0, limit - inUse);
  const need = needing?.n ?? 0;
  return {
    limit,
    inUse,
    free,
    needing: limit === null ? 0 : need,
    shortfall: free === null ? 0 : Math.max(0, need - free),
    waitingForSeat: limit === null ? 0 : (waiting?.n ?? 0),
  };
}
