import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { devices, type Platform, type RequestStatus } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';

/** What one product is on the chosen device, as a catalogue card says it (the product page's rule). */
export type CardDeviceState =
  | { kind: 'installed'; version: string }
  | { kind: 'update'; installed: string; current: string; requestId: string | null }
  | { kind: 'entitled'; requestId: string | null }
  | { kind: 'requested'; status: RequestStatus; requestId: string };

export interface PickerDevice {
  id: string;
  hostname: string;
  platform: Platform;
}

export interface CatalogueDeviceStates {
  /** The actor's own devices that can be chosen (enrolled or waiting to enrol), newest seen first. */
  devices: PickerDevice[];
  /** The device the states describe: the one asked for, else the one seen most recently. */
  device: PickerDevice | null;
  /** Per product id; a product with nothing to say about the device is absent. */
  states: Map<string, CardDeviceState>;
}

/** One product's row of the page's query. */
type StateRow = {
  product_id: string;
  installed_release: string | null;
  installed_version: string | null;
  current_release: string | null;
  current_version: string | null;
  entitlement_id: string | null;
  includes_later: boolean | null;
  entitlement_request: string | null;
  request_id: string | null;
  request_status: RequestStatus | null;
};

const OPEN: RequestStatus[] = ['submitted', 'pending_approval', 'waiting_for_seat', 'approved'];

/**
 * The state of each listed product on one of the actor's own devices, read in a single query for
 * the whole page. A device id that is not the actor's (or no longer in use) is a 404, whoever owns it.
 */
export async function catalogueDeviceStates(actor: Actor, productIds: string[], deviceId?: string): Promise<CatalogueDeviceStates> {
  const db = getDb();
  const own = await db
    .select({ id: devices.id, hostname: devices.hostname, platform: devices.platform })
    .from(devices)
    .where(and(eq(devices.ownerId, actor.id), inArray(devices.status, ['active', 'pending'])))
    .orderBy(sql`${devices.lastSeenAt} desc nulls last`, asc(devices.hostname));
  const device = deviceId ? own.find((d) => d.id === deviceId) : own[0];
  if (deviceId && !device) throw new NotFoundError('Choose one of your own devices.', 'device');
  if (!device || productIds.length === 0) return { devices: own, device: device ?? null, states: new Map() };

  const ids = sql.join(
    productIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const open = sql.join(
    OPEN.map((s) => sql`${s}`),
    sql`, `,
  );
  const { rows } = await db.execute<StateRow>(sql`
    select p.id as product_id,
           ir.id as installed_release, ir.version as installed_version,
           cur.id as current_release, cur.version as current_version,
           e.id as entitlement_id, e.includes_later_releases as includes_later, e.request_id as entitlement_request,
           r.id as request_id, r.status as request_status
    from products p
    left join device_current_installs c on c.product_id = p.id and c.device_id = ${device.id}
    left join releases ir on ir.id = c.release_id
    left join lateral (
      select id, version from releases
      where product_id = p.id and status = 'published'
      order by published_at desc, created_at desc limit 1
    ) cur on true
    left join lateral (
      select id, includes_later_releases, request_id from entitlements
      where user_id = ${actor.id} and device_id = ${device.id} and product_id = p.id
        and status = 'active' and (expires_at is null or expires_at > now())
      order by created_at desc limit 1
    ) e on true
    left join lateral (
      select id, status from service_requests
      where requester_id = ${actor.id} and device_id = ${device.id} and product_id = p.id and status in (${open})
      order by created_at desc limit 1
    ) r on true
    where p.id in (${ids})`);

  const states = new Map<string, CardDeviceState>();
  for (const r of rows) {
    const state = stateOf(r);
    if (state) states.set(r.product_id, state);
  }
  return { devices: own, device, states };
}

function stateOf(r: StateRow): CardDeviceState | null {
  if (r.installed_version) {
    // As on the product page: an update is offered when the entitlement covers the newer release.
    const update = r.entitlement_id && r.includes_later && r.current_release && r.current_release !== r.installed_release;
    return update
      ? { kind: 'update', installed: r.installed_version, current: r.current_version!, requestId: r.entitlement_request }
      : { kind: 'installed', version: r.installed_version };
  }
  if (r.entitlement_id) return { kind: 'entitled', requestId: r.entitlement_request };
  if (r.request_id && r.request_status) return { kind: 'requested', status: r.request_status, requestId: r.request_id };
  return null;
}
