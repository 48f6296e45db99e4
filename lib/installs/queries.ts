import { asc, eq, ilike, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { devices, products, users, type Device, type Platform } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { csvLine } from './csv';
import { decodeCursor, encodeCursor, INSTALL_PAGE_SIZE, type InstallFilter, type RecordCursor } from './filters';
import { contains, fetchRows, resolveFilter, toView, type InstallRecordPage } from './records-query';

export { getDeviceView } from './device-view';
export { devicesOnRelease, getProductAdoption } from './adoption';
export { recordsQuery, resolveFilter, type InstallRecordPage, type InstallRecordView } from './records-query';

const CSV_BATCH = 5000;

/**
 * Install records for the service desk, newest first, 50 a page. Pages are keyed on
 * (occurred_at, id) rather than offsets: page 1,000 costs what page 1 costs, and events
 * recorded while someone reads never shift or repeat rows.
 */
export async function listInstallRecords(actor: Actor, filter: InstallFilter, cursor?: string): Promise<InstallRecordPage> {
  assertRole(actor, 'service_desk', 'admin');
  const position = cursor ? decodeCursor(cursor) : undefined;
  const { page, next } = await fetchRows(await resolveFilter(filter), position, INSTALL_PAGE_SIZE);
  return { rows: page.map(toView), nextCursor: next ? encodeCursor(next) : null };
}

export const csvHeader = [
  'occurred_at',
  'event',
  'device',
  'device_id',
  'user',
  'user_email',
  'product',
  'product_slug',
  'version',
  'platform',
  'sha256',
  'request_id',
  'approver',
  'agent_version',
  'exit_code',
  'bytes',
  'error_text',
  'event_id',
] as const;

/**
 * Every record matching the filter as CSV lines, header first, in the table's order. Rows are
 * read in keyset batches, so memory stays flat however many there are; each batch is its own
 * query, so a long export sees late reports only where they sort after its position.
 */
export async function* streamInstallRecordsCsv(
  actor: Actor,
  filter: InstallFilter,
  batchSize = CSV_BATCH,
): AsyncGenerator<string, void, undefined> {
  assertRole(actor, 'service_desk', 'admin');
  yield csvLine(csvHeader);
  const resolved = await resolveFilter(filter);
  let cursor: RecordCursor | undefined;
  do {
    const { page, next } = await fetchRows(resolved, cursor, batchSize);
    for (const r of page) {
      yield csvLine([
        r.occurredAt.toISOString(),
        r.type,
        r.hostname,
        r.deviceId,
        r.userName,
        r.userEmail,
        r.productName,
        r.productSlug,
        r.version,
        r.platform,
        r.sha256,
        r.requestId,
        r.approverName,
        r.agentVersion,
        r.exitCode,
        r.bytes,
        r.errorText,
        r.id,
      ]);
    }
    cursor = next;
  } while (cursor);
}

/** Products for the filter's choices, archived ones included: their history is still on record. */
export async function listProductChoices(actor: Actor): Promise<{ slug: string; name: string }[]> {
  assertRole(actor, 'service_desk', 'admin');
  return getDb().select({ slug: products.slug, name: products.name }).from(products).orderBy(products.name);
}

export interface DeviceMatch {
  id: string;
  hostname: string;
  platform: Platform;
  status: Device['status'];
  owner: string;
}

/**
 * Devices whose name contains the text, whether or not they have reported anything: the person on
 * the phone may be asking about a machine that never installed a thing.
 */
export async function findDevices(actor: Actor, text: string, limit = 8): Promise<DeviceMatch[]> {
  assertRole(actor, 'service_desk', 'admin');
  return getDb()
    .select({
      id: devices.id,
      hostname: devices.hostname,
      platform: devices.platform,
      status: devices.status,
      owner: sql<string>`coalesce(${users.name}, 'nobody')`,
    })
    .from(devices)
    .leftJoin(users, eq(users.id, devices.ownerId))
    .where(ilike(devices.hostname, contains(text)))
    .orderBy(asc(devices.hostname))
    .limit(limit);
}
