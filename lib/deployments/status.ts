import { eq, sql, type SQL } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { deploymentAssignments, deployments, devices, installEvents, products, releases, users } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, NotFoundError } from '@/lib/errors';

/** Where one targeted device stands, from its latest install event of the deployment. */
export type DeviceDeploymentState = 'pending' | 'in_progress' | 'succeeded' | 'failed';
export const deviceDeploymentStates: readonly DeviceDeploymentState[] = ['pending', 'in_progress', 'succeeded', 'failed'];

export interface DeploymentStatusCounts {
  /** Open assignments. The next four split them; notSeen and pastDeadline overlap them. */
  targeted: number;
  pending: number;
  inProgress: number;
  succeeded: number;
  failed: number;
  /** The device has not checked in since the deployment became active. */
  notSeen: number;
  /** The deadline passed and the device has not succeeded. */
  pastDeadline: number;
}

export interface DeploymentStatus {
  deployment: {
    id: string;
    name: string;
    status: string;
    intent: string;
    product: { slug: string; name: string };
    version: string;
    activatedAt: Date | null;
    deadline: Date | null;
    cutoverAt: Date | null;
  };
  counts: DeploymentStatusCounts;
  /** UTC days from activation (or the first outcome) to today, with devices succeeded / failed at each day's end. */
  timeline: { days: string[]; succeeded: number[]; failed: number[] };
}

const READERS = ['deployment_manager', 'admin', 'service_desk'] as const;

/** The state of a device from the type of its latest event of the deployment (alias `type`). */
const STATE = sql.raw(`case when l.type = 'install_succeeded' then 'succeeded'
  when l.type in ('install_failed', 'download_failed') then 'failed'
  when l.type in ('download_started', 'download_completed') then 'in_progress'
  else 'pending' end`);

/**
 * The type of each device's latest event of the deployment: one backward index-only pass over
 * install_events_deployment_idx (deployment, device, occurred_at, id, type), no sort.
 */
const latestSql = (deploymentId: string) => sql`
  select distinct on (e.device_id) e.device_id, e.type
  from ${installEvents} e
  where e.deployment_id = ${deploymentId}
  order by e.device_id desc, e.occurred_at desc, e.id desc`;

/**
 * The status counts of one deployment in ONE statement: open assignments ⋈ each device's latest
 * event of the deployment ⋈ the device (last seen). Exported so the bench times the same SQL raw.
 */
export function statusCountsSql(deploymentId: string): SQL {
  return sql`
    with l as (${latestSql(deploymentId)})
    select count(*)::int as targeted,
      count(*) filter (where l.type is null or l.type = 'uninstalled')::int as pending,
      count(*) filter (where l.type in ('download_started', 'download_completed'))::int as in_progress,
      count(*) filter (where l.type = 'install_succeeded')::int as succeeded,
      count(*) filter (where l.type in ('install_failed', 'download_failed'))::int as failed,
      -- A device that reported an event of this deployment was seen, whatever last_seen_at says
      -- (check-ins write it at most once a minute).
      count(*) filter (where l.type is null
        and (dv.last_seen_at is null or dv.last_seen_at < coalesce(d.activated_at, d.available_from)))::int as not_seen,
      count(*) filter (where d.deadline < now() and l.type is distinct from 'install_succeeded')::int as past_deadline
    from ${deploymentAssignments} a
    join ${deployments} d on d.id = a.deployment_id
    join ${devices} dv on dv.id = a.device_id
    left join l on l.device_id = a.device_id
    where a.deployment_id = ${deploymentId} and a.ended_at is null`;
}

/**
 * Devices succeeded / failed at the end of each day with an outcome: each outcome that changes a
 * device's state moves it from one column to the other (window lag), summed per day, cumulated.
 */
function timelineSql(deploymentId: string): SQL {
  return sql`
    with o as (
      select e.device_id, e.occurred_at, e.id, case when e.type = 'install_succeeded' then 's' else 'f' end as st
      from ${installEvents} e
      join ${deploymentAssignments} a on a.deployment_id = e.deployment_id and a.device_id = e.device_id and a.ended_at is null
      where e.deployment_id = ${deploymentId} and e.type in ('install_succeeded', 'install_failed', 'download_failed')
    ), t as (
      select occurred_at, st, lag(st) over (partition by device_id order by occurred_at, id) as prev from o
    ), per_day as (
      select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day,
        sum((st = 's')::int - (prev is not distinct from 's')::int) as ds,
        sum((st = 'f')::int - (prev is not distinct from 'f')::int) as df
      from t where prev is distinct from st group by 1
    )
    select day, (sum(ds) over (order by day))::int as succeeded, (sum(df) over (order by day))::int as failed
    from per_day order by day`;
}

async function loadDeployment(db: DbOrTx, deploymentId: string) {
  assertId(deploymentId, 'No such deployment.', 'deployment');
  const [d] = await db
    .select({
      id: deployments.id,
      name: deployments.name,
      status: deployments.status,
      intent: deployments.intent,
      product: { slug: products.slug, name: products.name },
      version: releases.version,
      activatedAt: deployments.activatedAt,
      deadline: deployments.deadline,
      cutoverAt: deployments.cutoverAt,
    })
    .from(deployments)
    .innerJoin(products, eq(products.id, deployments.productId))
    .innerJoin(releases, eq(releases.id, deployments.releaseId))
    .where(eq(deployments.id, deploymentId));
  if (!d) throw new NotFoundError('No such deployment.', 'deployment');
  return d;
}

/** Fills the days between outcomes (a flat line), from the first day to `today`. */
function fillDays(rows: { day: string; succeeded: number; failed: number }[], from: string | undefined, today: string) {
  const start = [from, rows[0]?.day].filter((d): d is string => !!d).sort()[0] ?? today;
  const days: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${today}T00:00:00Z`) && days.length < 366; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  const at = new Map(rows.map((r) => [r.day, r]));
  let s = 0,
    f = 0;
  const succeeded: number[] = [],
    failed: number[] = [];
  for (const day of days) {
    const r = at.get(day);
    if (r) [s, f] = [r.succeeded, r.failed];
    succeeded.push(s);
    failed.push(f);
  }
  return { days, succeeded, failed };
}

/** Planned against happened for one deployment: counts, and the chart over time. */
export async function getDeploymentStatus(actor: Actor, deploymentId: string, now = new Date()): Promise<DeploymentStatus> {
  assertRole(actor, ...READERS);
  const db = getDb();
  const deployment = await loadDeployment(db, deploymentId);
  const [{ rows: counted }, { rows: timeline }] = await Promise.all([
    db.execute<Record<string, number>>(statusCountsSql(deploymentId)),
    db.execute<{ day: string; succeeded: number; failed: number }>(timelineSql(deploymentId)),
  ]);
  const c = counted[0] ?? {};
  const n = (k: string) => Number(c[k] ?? 0);
  return {
    deployment,
    counts: {
      targeted: n('targeted'),
      pending: n('pending'),
      inProgress: n('in_progress'),
      succeeded: n('succeeded'),
      failed: n('failed'),
      notSeen: n('not_seen'),
      pastDeadline: n('past_deadline'),
    },
    timeline: fillDays(
      timeline.map((r) => ({ day: r.day, succeeded: Number(r.succeeded), failed: Number(r.failed) })),
      deployment.activatedAt?.toISOString().slice(0, 10),
      now.toISOString().slice(0, 10),
    ),
  };
}

export interface DeploymentDeviceRow {
  deviceId: string;
  hostname: string;
  platform: string;
  owner: string;
  lastSeenAt: Date | null;
  state: DeviceDeploymentState;
  /** The latest event of the deployment on this device. */
  lastEvent: { type: string; at: Date; version: string | null; errorText: string | null } | null;
}

export interface DeviceListQuery {
  state?: DeviceDeploymentState;
  /** Keyset cursor: the last row of the previous page. */
  after?: { hostname: string; deviceId: string };
  limit?: number;
}

interface DeviceRowSql extends Record<string, unknown> {
  device_id: string;
  hostname: string;
  platform: string;
  owner: string;
  last_seen_at: string | Date | null;
  state: DeviceDeploymentState;
  type: string | null;
  occurred_at: string | Date | null;
  version: string | null;
  error_text: string | null;
}

const asDate = (v: string | Date | null) => (v === null ? null : new Date(v));

async function devicePage(deploymentId: string, q: DeviceListQuery): Promise<DeploymentDeviceRow[]> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 1000);
  const { rows } = await getDb().execute<DeviceRowSql>(sql`
    select * from (
      select dv.id as device_id, dv.hostname, dv.platform, coalesce(u.name, 'no owner') as owner, dv.last_seen_at, ${STATE} as state,
             l.type, l.occurred_at, r.version, l.error_text
      from ${deploymentAssignments} a
      join ${devices} dv on dv.id = a.device_id
      left join ${users} u on u.id = dv.owner_id
      left join lateral (
        select e.type, e.occurred_at, e.release_id, e.error_text from ${installEvents} e
        where e.deployment_id = a.deployment_id and e.device_id = a.device_id
        order by e.occurred_at desc, e.id desc limit 1
      ) l on true
      left join ${releases} r on r.id = l.release_id
      where a.deployment_id = ${deploymentId} and a.ended_at is null
        ${q.after ? sql`and (dv.hostname, dv.id) > (${q.after.hostname}, ${q.after.deviceId}::uuid)` : sql``}
      order by dv.hostname, dv.id
    ) x
    ${q.state ? sql`where x.state = ${q.state}` : sql``}
    order by x.hostname, x.device_id
    limit ${limit}`);
  return rows.map((r) => ({
    deviceId: r.device_id,
    hostname: r.hostname,
    platform: r.platform,
    owner: r.owner,
    lastSeenAt: asDate(r.last_seen_at),
    state: r.state,
    lastEvent: r.type ? { type: r.type, at: asDate(r.occurred_at)!, version: r.version, errorText: r.error_text } : null,
  }));
}

/** One page of the deployment's targeted devices, by hostname, optionally of one state. */
export async function listDeploymentDevices(
  actor: Actor,
  deploymentId: string,
  q: DeviceListQuery = {},
): Promise<{ rows: DeploymentDeviceRow[]; next: { hostname: string; deviceId: string } | null }> {
  assertRole(actor, ...READERS);
  await loadDeployment(getDb(), deploymentId);
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 1000);
  const rows = await devicePage(deploymentId, { ...q, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { hostname: last.hostname, deviceId: last.deviceId } : null };
}

/** Every targeted device, in keyset batches: what the CSV export streams. */
export async function* allDeploymentDevices(actor: Actor, deploymentId: string, state?: DeviceDeploymentState) {
  assertRole(actor, ...READERS);
  await loadDeployment(getDb(), deploymentId);
  let after: DeviceListQuery['after'];
  for (;;) {
    const rows = await devicePage(deploymentId, { state, after, limit: 1000 });
    yield* rows;
    const last = rows.at(-1);
    if (rows.length < 1000 || !last) return;
    after = { hostname: last.hostname, deviceId: last.deviceId };
  }
}

export const deploymentDevicesCsvHeader = [
  'hostname',
  'device_id',
  'platform',
  'owner',
  'state',
  'last_event',
  'last_event_at',
  'version',
  'error',
  'last_seen_at',
];

/** The deployment's device list as CSV rows (role and deployment checked before the first byte). */
export async function* deploymentDevicesCsvRows(actor: Actor, deploymentId: string, state?: DeviceDeploymentState) {
  for await (const r of allDeploymentDevices(actor, deploymentId, state)) {
    yield [
      r.hostname,
      r.deviceId,
      r.platform,
      r.owner,
      r.state,
      r.lastEvent?.type ?? null,
      r.lastEvent?.at.toISOString() ?? null,
      r.lastEvent?.version ?? null,
      r.lastEvent?.errorText ?? null,
      r.lastSeenAt?.toISOString() ?? null,
    ] as const;
  }
}
