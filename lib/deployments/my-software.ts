import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { deployments, deviceCurrentInstalls, devices, products, releases, serviceRequests } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { assertId, NotFoundError } from '@/lib/errors';
import { listDeviceRemovals, type DeviceRemoval } from '@/lib/removals/queries';
import { listPulls } from '@/lib/devices/pulls';
import { listDeviceAssignments, type DeviceAssignment } from './device-assignments';
import { failuresOn, updatesFor, waitingOn, type FailedItem, type UpdateAvailable, type WaitingItem } from './my-software-status';

export interface InstalledSoftware {
  product: { slug: string; name: string };
  version: string;
  releaseId: string;
  since: Date;
  /** What put it there: a request, a deployment, or neither (installed outside the portal's plans). */
  source: { kind: 'request'; id: string } | { kind: 'deployment'; id: string; name: string } | { kind: 'none' };
}

export interface MySoftware {
  /** agentManaged: an agent has checked in, so offered releases are fetched by it at its next sync. */
  device: { id: string; hostname: string; platform: string; status: string; agentManaged: boolean };
  installed: InstalledSoftware[];
  assigned: DeviceAssignment[];
  /** Removals asked for on this device: open ones and the latest outcomes, newest first. */
  removals: DeviceRemoval[];
  updates: UpdateAvailable[];
  waiting: WaitingItem[];
  failed: FailedItem[];
}

/**
 * One device's software for its owner: what the ledger says is installed (device_current_installs)
 * and where each came from, and the deployments assigned to it (required with deadlines, available
 * to install now). Someone else's device is answered like a missing one.
 */
export async function getMySoftware(actor: Actor, deviceId: string): Promise<MySoftware> {
  assertId(deviceId, 'No such device of yours.', 'device');
  const db = getDb();
  const device = await db.query.devices.findFirst({ where: and(eq(devices.id, deviceId), eq(devices.ownerId, actor.id)) });
  if (!device) throw new NotFoundError('No such device of yours.', 'device');
  const [rows, assigned, removals, pulls, waiting] = await Promise.all([
    db
      .select({
        slug: products.slug,
        name: products.name,
        version: releases.version,
        releaseId: releases.id,
        since: deviceCurrentInstalls.since,
        requestId: serviceRequests.id,
        deploymentId: deployments.id,
        deploymentName: deployments.name,
      })
      .from(deviceCurrentInstalls)
      .innerJoin(products, eq(products.id, deviceCurrentInstalls.productId))
      .innerJoin(releases, eq(releases.id, deviceCurrentInstalls.releaseId))
      .leftJoin(serviceRequests, eq(serviceRequests.id, deviceCurrentInstalls.requestId))
      .leftJoin(deployments, eq(deployments.id, deviceCurrentInstalls.deploymentId))
      .where(eq(deviceCurrentInstalls.deviceId, deviceId))
      .orderBy(asc(products.name)),
    listDeviceAssignments(deviceId),
    listDeviceRemovals(deviceId),
    listPulls(deviceId),
    waitingOn(actor, deviceId),
  ]);
  const installed: InstalledSoftware[] = rows.map((r) => ({
    product: { slug: r.slug, name: r.name },
    version: r.version,
    releaseId: r.releaseId,
    since: r.since,
    source: r.deploymentId
      ? { kind: 'deployment', id: r.deploymentId, name: r.deploymentName ?? '' }
      : r.requestId
        ? { kind: 'request', id: r.requestId }
        : { kind: 'none' },
  }));
  const [updates, failed] = await Promise.all([updatesFor(installed, pulls), failuresOn(deviceId, pulls)]);
  return {
    device: {
      id: device.id,
      hostname: device.hostname,
      platform: device.platform,
      status: device.status,
      agentManaged: device.lastSeenAt !== null,
    },
    installed,
    assigned,
    removals,
    updates,
    waiting,
    failed,
  };
}
