import type { Db } from '@/db';
import { entitlements } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import type { AuthenticatedDevice } from '@/lib/devices/service';
import { recordInstallEvents } from '@/lib/installs/record';

/**
 * Reports `events` as the agent would, after giving the owner an active "any release" entitlement
 * to the product (an uninstall ends the previous one, and the ledger refuses reports without one).
 */
export async function reportEntitled(
  db: Db,
  device: AuthenticatedDevice,
  owner: Actor,
  productId: string,
  events: Parameters<typeof recordInstallEvents>[1],
) {
  await db
    .insert(entitlements)
    .values({ userId: owner.id, deviceId: device.deviceId, productId, includesLaterReleases: true })
    .onConflictDoNothing();
  return recordInstallEvents(device, events);
}
