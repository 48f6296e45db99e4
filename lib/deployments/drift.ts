import { sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { deploymentAssignments, deployments, deviceCurrentInstalls, devices, products, releases, users } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';

/**
 * - `unplanned`: the device runs a version no request or deployment put there (its current
 *   install names neither), or not the release of the deployment it names;
 * - `missing`: a required deployment's deadline or cut-over passed and the device still does not
 *   run its release (the big-bang stragglers the desk chases).
 */
export type DriftKind = 'unplanned' | 'missing';

export interface DriftRow {
  kind: DriftKind;
  deviceId: string;
  hostname: string;
  owner: string;
  product: { id: string; slug: string; name: string };
  currentVersion: string | null;
  expectedVersion: string | null;
  deployment: { id: string; name: string } | null;
  /** unplanned: installed since; missing: the deadline or cut-over that passed. */
  at: Date;
}

export interface DriftCursor {
  hostname: string;
  deviceId: string;
  productId: string;
  kind: DriftKind;
}

interface DriftSqlRow extends Record<string, unknown> {
  kind: DriftKind;
  device_id: string;
  hostname: string;
  owner: string;
  product_id: string;
  slug: string;
  product: string;
  current_version: string | null;
  expected_version: string | null;
  deployment_id: string | null;
  deployment_name: string | null;
  at: string | Date;
}

const READERS = ['service_desk', 'admin', 'deployment_manager'] as const;

async function driftPage(q: { kind?: DriftKind; after?: DriftCursor; limit: number }): Promise<DriftRow[]> {
  const { rows } = await getDb().execute<DriftSqlRow>(sql`
    select * from (
      select 'unplanned' as kind, dv.id as device_id, dv.hostname, coalesce(u.name, 'no owner') as owner, p.id as product_id, p.slug, p.name as product,
             r.version as current_version, er.version as expected_version, cd.id as deployment_id, cd.name as deployment_name, c.since as at
      from ${deviceCurrentInstalls} c
      join ${devices} dv on dv.id = c.device_id and dv.status = 'active'
      left join ${users} u on u.id = dv.owner_id
      join ${products} p on p.id = c.product_id
      join ${releases} r on r.id = c.release_id
      left join ${deployments} cd on cd.id = c.deployment_id
      left join ${releases} er on er.id = cd.release_id
      where (c.request_id is null and c.deployment_id is null) or cd.release_id <> c.release_id
      union all
      select 'missing', dv.id, dv.hostname, coalesce(u.name, 'no owner'), p.id, p.slug, p.name, cr.version, er.version, d.id, d.name,
             least(case when d.deadline < now() then d.deadline end, case when d.cutover_at < now() then d.cutover_at end)
      from ${deploymentAssignments} a
      join ${deployments} d on d.id = a.deployment_id and d.status = 'active' and d.intent = 'required'
      join ${devices} dv on dv.id = a.device_id and dv.status = 'active'
      left join ${users} u on u.id = dv.owner_id
      join ${products} p on p.id = d.product_id
      join ${releases} er on er.id = d.release_id
      left join ${deviceCurrentInstalls} c on c.device_id = a.device_id and c.product_id = d.product_id
      left join ${releases} cr on cr.id = c.release_id
      where a.ended_at is null and (d.deadline < now() or d.cutover_at < now()) and c.release_id is distinct from d.release_id
    ) x
    where true
      ${q.kind ? sql`and x.kind = ${q.kind}` : sql``}
      ${q.after ? sql`and (x.hostname, x.device_id, x.product_id, x.kind) > (${q.after.hostname}, ${q.after.deviceId}::uuid, ${q.after.productId}::uuid, ${q.after.kind})` : sql``}
    order by x.hostname, x.device_id, x.product_id, x.kind
    limit ${q.limit}`);
  return rows.map((r) => ({
    kind: r.kind,
    deviceId: r.device_id,
    hostname: r.hostname,
    owner: r.owner,
    product: { id: r.product_id, slug: r.slug, name: r.product },
    currentVersion: r.current_version,
    expectedVersion: r.expected_version,
    deployment: r.deployment_id ? { id: r.deployment_id, name: r.deployment_name ?? '' } : null,
    at: new Date(r.at),
  }));
}

const cursorOf = (r: DriftRow): DriftCursor => ({ hostname: r.hostname, deviceId: r.deviceId, productId: r.product.id, kind: r.kind });

/** One page of drift across the estate, by device name. */
export async function listDrift(
  actor: Actor,
  q: { kind?: DriftKind; after?: DriftCursor; limit?: number } = {},
): Promise<{ rows: DriftRow[]; next: DriftCursor | null }> {
  assertRole(actor, ...READERS);
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 1000);
  const rows = await driftPage({ ...q, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return { rows: page, next: rows.length > limit && page.length ? cursorOf(page.at(-1)!) : null };
}

export const driftCsvHeader = [
  'kind',
  'hostname',
  'device_id',
  'owner',
  'product',
  'current_version',
  'expected_version',
  'deployment',
  'deployment_id',
  'at',
];

/** Every drift row as CSV cells, in keyset batches (the role is checked before the first read). */
export async function* driftCsvRows(actor: Actor, kind?: DriftKind) {
  assertRole(actor, ...READERS);
  let after: DriftCursor | undefined;
  for (;;) {
    const rows = await driftPage({ kind, after, limit: 1000 });
    for (const r of rows) {
      yield [
        r.kind,
        r.hostname,
        r.deviceId,
        r.owner,
        r.product.name,
        r.currentVersion,
        r.expectedVersion,
        r.deployment?.name ?? null,
        r.deployment?.id ?? null,
        r.at.toISOString(),
      ] as const;
    }
    if (rows.length < 1000) return;
    after = cursorOf(rows.at(-1)!);
  }
}
