import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { artifacts, deploymentAssignments, deployments, devices, installEvents, products, releases } from '@/db/schema';

/** A daily maintenance window: minutes after midnight in `timeZone`; end < start wraps midnight. */
export interface MaintenanceWindow {
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

/**
 * What a deployment asks of one device, as check-in describes it. `artifact` is the release's
 * build for the device's platform (null when there is none, or it is corrupt). An available
 * item has `entitlementId` null until its user chose "install now" (claimAvailable).
 */
export interface DeviceAssignment {
  deploymentId: string;
  name: string;
  intent: 'required' | 'available';
  entitlementId: string | null;
  product: { slug: string; name: string };
  release: { id: string; version: string };
  artifact: { id: string; fileName: string; mediaType: string; sizeBytes: number; sha256: string; downloadUrl: string } | null;
  availableFrom: string;
  deadline: string | null;
  window: MaintenanceWindow | null;
  cutoverAt: string | null;
  postponedUntil: string | null;
}

/**
 * The device's open assignments of active deployments (and of halted ones it had begun), one JSON object per row (so check-in can
 * fold them into the same statement as its pulls: one round trip for both).
 */
export function assignmentsJsonSql(deviceId: string): SQL {
  return sql`
    select json_build_object(
      'deploymentId', dp.id, 'name', dp.name, 'intent', dp.intent, 'entitlementId', a.entitlement_id,
      'product', json_build_object('slug', p.slug, 'name', p.name),
      'release', json_build_object('id', r.id, 'version', r.version),
      'artifact', case when f.id is null then null else json_build_object(
        'id', f.id, 'fileName', f.file_name, 'mediaType', f.media_type, 'sizeBytes', f.size_bytes, 'sha256', f.sha256,
        'downloadUrl', '/api/artifacts/' || f.id || '/download') end,
      'availableFrom', dp.available_from, 'deadline', dp.deadline,
      'window', case when dp.window_start_minute is null then null else json_build_object(
        'startMinute', dp.window_start_minute, 'endMinute', dp.window_end_minute, 'timeZone', dp.window_time_zone) end,
      'cutoverAt', dp.cutover_at, 'postponedUntil', a.postponed_until) as item
    from ${deploymentAssignments} a
    join ${devices} d on d.id = a.device_id
    join ${deployments} dp on dp.id = a.deployment_id and (
      -- Throttled phases: not before the device's start time.
      (dp.status = 'active' and (a.start_after is null or a.start_after <= now()))
      -- A halted deployment keeps serving only devices that had begun it; the others wait.
      or (dp.status = 'halted' and exists (
        select 1 from ${installEvents} b where b.deployment_id = dp.id and b.device_id = a.device_id and b.release_id = dp.release_id)))
    join ${products} p on p.id = dp.product_id
    join ${releases} r on r.id = dp.release_id
    left join ${artifacts} f on f.release_id = r.id and f.platform = d.platform and f.status = 'ok'
    where a.device_id = ${deviceId} and a.ended_at is null
    order by dp.available_from, dp.id`;
}

/** Timestamps inside json_build_object come back in PostgreSQL's text form; the API speaks ISO 8601 UTC. */
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(String(v)).toISOString());

/** Normalises one row of assignmentsJsonSql (dates to ISO, sizes to numbers). */
export function toDeviceAssignment(raw: unknown): DeviceAssignment {
  const item = (typeof raw === 'string' ? JSON.parse(raw) : raw) as DeviceAssignment;
  return {
    ...item,
    artifact: item.artifact ? { ...item.artifact, sizeBytes: Number(item.artifact.sizeBytes) } : null,
    availableFrom: iso(item.availableFrom)!,
    deadline: iso(item.deadline),
    cutoverAt: iso(item.cutoverAt),
    postponedUntil: iso(item.postponedUntil),
  };
}

/** The device's open assignments (check-in folds the same SQL into its one statement). */
export async function listDeviceAssignments(deviceId: string): Promise<DeviceAssignment[]> {
  const { rows } = await getDb().execute<{ item: unknown }>(assignmentsJsonSql(deviceId));
  return rows.map((r) => toDeviceAssignment(r.item));
}

/**
 * SQL condition: the big-bang rule refuses `releaseSql` of `productSql` to `deviceSql` now. A
 * device covered by an active required deployment with a cut-over (an open assignment) gets only
 * that deployment's release after the cut-over, and not that release before it. Shared by the
 * pulls list and authorizeDownload (through cutoverRefusal), so what is listed can be downloaded.
 */
export function cutoverBlocksSql(deviceSql: SQL, productSql: SQL, releaseSql: SQL): SQL {
  return sql`exists (
    select 1 from ${deploymentAssignments} ca
    join ${deployments} cd on cd.id = ca.deployment_id
    where ca.device_id = ${deviceSql} and ca.ended_at is null and cd.product_id = ${productSql}
      and cd.status = 'active' and cd.intent = 'required' and cd.cutover_at is not null
      and ((now() >= cd.cutover_at and cd.release_id <> ${releaseSql})
        or (now() < cd.cutover_at and cd.release_id = ${releaseSql})))`;
}
