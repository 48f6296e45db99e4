import { and, asc, desc, eq, gte, isNull, lte, or, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { apiTokens, changeRecords, devices, supplierAnnouncements, supplierEvents, suppliers } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';

/** Devices to choose from when drawing a supplier's explicit scope (admins). */
export async function listDeviceChoices(actor: Actor) {
  assertRole(actor, 'admin');
  return getDb()
    .select({ id: devices.id, hostname: devices.hostname, kind: devices.kind, environment: devices.environment })
    .from(devices)
    .where(eq(devices.status, 'active'))
    .orderBy(asc(devices.hostname))
    .limit(1000);
}

/** One supplier event with its provenance: which supplier, which credential, announced or not, which change. */
export interface SupplierEventRow {
  id: number;
  occurredAt: Date;
  deviceId: string;
  hostname: string;
  supplier: string;
  credential: string | null;
  channel: string;
  component: string;
  version: string;
  status: string;
  announced: boolean;
  changeRef: string | null;
  changeId: string | null;
  unauthorised: boolean;
  sha256: string | null;
  evidence: string | null;
}

async function eventRows(where: SQL | undefined, limit = 200): Promise<SupplierEventRow[]> {
  const rows = await getDb()
    .select({
      id: supplierEvents.id,
      occurredAt: supplierEvents.occurredAt,
      deviceId: devices.id,
      hostname: devices.hostname,
      supplier: suppliers.name,
      credential: apiTokens.name,
      channel: supplierEvents.channel,
      component: supplierEvents.component,
      version: supplierEvents.version,
      status: supplierEvents.status,
      announcementId: supplierEvents.announcementId,
      changeRef: supplierEvents.changeRef,
      changeId: changeRecords.id,
      unauthorised: supplierEvents.unauthorised,
      sha256: supplierEvents.sha256,
      evidence: supplierEvents.evidence,
    })
    .from(supplierEvents)
    .innerJoin(devices, eq(devices.id, supplierEvents.deviceId))
    .innerJoin(suppliers, eq(suppliers.id, supplierEvents.supplierId))
    .leftJoin(apiTokens, eq(apiTokens.id, supplierEvents.tokenId))
    .leftJoin(changeRecords, eq(changeRecords.id, supplierEvents.changeId))
    .where(where)
    .orderBy(desc(supplierEvents.occurredAt), desc(supplierEvents.id))
    .limit(limit);
  return rows.map(({ announcementId, ...r }) => ({ ...r, announced: announcementId !== null }));
}

const DESK = ['service_desk', 'admin', 'deployment_manager', 'change_manager'] as const;

/** The desk's view of supplier work, newest first, optionally for one device. */
export async function listSupplierEvents(actor: Actor, q: { deviceId?: string; limit?: number } = {}) {
  assertRole(actor, ...DESK);
  return eventRows(q.deviceId ? eq(supplierEvents.deviceId, q.deviceId) : undefined, q.limit);
}

/** A supplier's own history (its page): never another supplier's. */
export async function ownSupplierEvents(supplierId: string) {
  return eventRows(eq(supplierEvents.supplierId, supplierId), 50);
}

/**
 * Supplier drift: work nobody announced (or done outside the announced window), and work in live
 * without an approved change covering it.
 */
export async function supplierDrift(actor: Actor) {
  assertRole(actor, 'service_desk', 'admin', 'deployment_manager', 'change_manager');
  return eventRows(or(isNull(supplierEvents.announcementId), eq(supplierEvents.unauthorised, true)), 500);
}

/** What a list of supplier announcements shows of each (joined to `suppliers` for the name). */
export const announcementColumns = {
  id: supplierAnnouncements.id,
  supplier: suppliers.name,
  component: supplierAnnouncements.component,
  version: supplierAnnouncements.version,
  windowStart: supplierAnnouncements.windowStart,
  windowEnd: supplierAnnouncements.windowEnd,
};

/** Announced supplier work whose window meets the days around now: for the calendar. */
export async function announcementsAround(actor: Actor, daysBack: number, daysAhead: number) {
  assertRole(actor, ...DESK);
  const from = new Date(Date.now() - daysBack * 86_400_000);
  const to = new Date(Date.now() + daysAhead * 86_400_000);
  return getDb()
    .select({ ...announcementColumns, changeRef: supplierAnnouncements.changeRef })
    .from(supplierAnnouncements)
    .innerJoin(suppliers, eq(suppliers.id, supplierAnnouncements.supplierId))
    .where(and(lte(supplierAnnouncements.windowStart, to), gte(supplierAnnouncements.windowEnd, from)))
    .orderBy(asc(supplierAnnouncements.windowStart))
    .limit(500);
}

/** Suppliers a librarian may record past work for (names only). */
export async function supplierChoices(actor: Actor) {
  assertRole(actor, 'librarian', 'admin');
  return getDb().select({ id: suppliers.id, name: suppliers.name }).from(suppliers).orderBy(asc(suppliers.name));
}
