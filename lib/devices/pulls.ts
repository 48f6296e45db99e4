import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { executeNamed } from '@/db/named';
import { artifacts, devices, entitlements, products, releases, removals } from '@/db/schema';
import { listPendingRemovals, type OfferedRemoval } from '@/lib/removals/queries';
import { recordAudit } from '@/lib/audit/service';
import { assignmentsJsonSql, cutoverBlocksSql, toDeviceAssignment, type DeviceAssignment } from '@/lib/deployments/device-assignments';
import { parseInput } from '@/lib/pipeline/schema';
import type { AuthenticatedDevice } from './enrolment';
import { checkInInput, type CheckInInput } from './schema';

/** One thing the device should have: what the agent downloads (and verifies against sha256) and installs. */
export interface Pull {
  entitlementId: string;
  requestId: string | null;
  /** Set when a deployment granted the entitlement: the agent then follows the deployment's schedule. */
  deploymentId: string | null;
  product: { slug: string; name: string };
  release: { id: string; version: string };
  artifact: { id: string; fileName: string; mediaType: string; sizeBytes: number; sha256: string; downloadUrl: string };
}

interface PullRow extends Record<string, unknown> {
  entitlement_id: string;
  request_id: string | null;
  deployment_id: string | null;
  slug: string;
  name: string;
  release_id: string;
  version: string;
  artifact_id: string;
  file_name: string;
  media_type: string;
  size_bytes: string | number;
  sha256: string;
}

/** The pulls query (entitlements → release → artifact); see listPulls for the rules. */
export function pullsSql(deviceId: string) {
  return sql`
    select e.id as entitlement_id, e.request_id, e.deployment_id, p.slug, p.name, r.id as release_id, r.version,
           a.id as artifact_id, a.file_name, a.media_type, a.size_bytes, a.sha256
    from ${devices} d
    join ${entitlements} e on e.device_id = d.id and e.user_id = d.owner_id and e.status = 'active'
      and (e.expires_at is null or e.expires_at > now())
    join ${products} p on p.id = e.product_id
    left join ${releases} er on er.id = e.release_id
    cross join lateral (
      select coalesce(
        (select l.id from ${releases} l
          where e.includes_later_releases and l.product_id = e.product_id and l.status = 'published'
            and (er.id is null or (er.published_at is not null and l.published_at >= er.published_at))
          order by l.published_at desc limit 1),
        case when er.status in ('published', 'deprecated') then er.id end
      ) as id
    ) chosen
    join ${releases} r on r.id = chosen.id
    join ${artifacts} a on a.release_id = r.id and a.platform = d.platform and a.status = 'ok'
    where d.id = ${deviceId} and d.status = 'active'
      and not ${cutoverBlocksSql(sql`d.id`, sql`e.product_id`, sql`r.id`)}
      -- Being removed (or a removal failed and waits for retry or cancel): offering it again would reinstall it.
      and not exists (select 1 from ${removals} rm where rm.device_id = d.id and rm.product_id = e.product_id
                      and rm.status in ('pending', 'failed'))
    order by p.name, e.id`;
}

/**
 * What the device may pull now: for each active, unexpired entitlement, the build for its platform
 * of the release the entitlement resolves to. The rules mirror authorizeDownload, so every item
 * listed can be downloaded with the device's token:
 * - an exact entitlement resolves to its release while that is published or deprecated;
 * - "this and later releases" resolves to the newest published release at or after the entitled
 *   one (or to the entitled release itself, exactly, if no published one qualifies);
 * - a release a big-bang cut-over refuses to this device is left out (cutoverBlocksSql).
 * Withdrawn and draft releases and corrupt artifacts are never listed.
 */
export async function listPulls(deviceId: string): Promise<Pull[]> {
  return (await executeNamed<PullRow>('device_pulls', pullsSql(deviceId))).map(toPull);
}

const toPull = (r: PullRow): Pull => ({
  entitlementId: r.entitlement_id,
  requestId: r.request_id,
  deploymentId: r.deployment_id,
  product: { slug: r.slug, name: r.name },
  release: { id: r.release_id, version: r.version },
  artifact: {
    id: r.artifact_id,
    fileName: r.file_name,
    mediaType: r.media_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    downloadUrl: `/api/artifacts/${r.artifact_id}/download`,
  },
});

/**
 * Pulls and deployment assignments in ONE statement (each as a JSON array), so a check-in stays at
 * two round trips: authenticate-and-touch, then this.
 */
export function checkInSql(deviceId: string) {
  return sql`
    select coalesce((select json_agg(row_to_json(x)) from (${pullsSql(deviceId)}) x), '[]'::json) as pulls,
           coalesce((select json_agg(y.item) from (${assignmentsJsonSql(deviceId)}) y), '[]'::json) as assignments`;
}

async function listPullsAndAssignments(deviceId: string): Promise<{ pulls: Pull[]; assignments: DeviceAssignment[] }> {
  const [row] = await executeNamed<{ pulls: unknown; assignments: unknown }>('device_check_in', checkInSql(deviceId));
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as unknown[];
  return {
    pulls: row ? (parse(row.pulls) as PullRow[]).map(toPull) : [],
    assignments: row ? parse(row.assignments).map(toDeviceAssignment) : [],
  };
}
/**
 * The agent's periodic call: records its version (audited when it changes) and answers with what
 * to pull. `installed` is validated but not stored: the install ledger is written from reports,
 * which carry outcomes and idempotency keys; an inventory snapshot carries neither.
 */
export async function checkIn(
  device: AuthenticatedDevice,
  input: CheckInInput,
): Promise<{
  deviceId: string;
  hostname: string;
  serverTime: string;
  pulls: Pull[];
  assignments: DeviceAssignment[];
  removals: OfferedRemoval[];
}> {
  const data = parseInput(checkInInput, input);
  // authenticateDevice read the stored version: an unchanged one (nearly every call) needs no write.
  if (device.agentVersion !== data.agentVersion) await recordAgentVersion(device.deviceId, data.agentVersion);
  const [{ pulls, assignments }, offered] = await Promise.all([
    listPullsAndAssignments(device.deviceId),
    // Told by authentication, so a check-in stays at two statements when nothing is to be removed.
    device.removalPending ? listPendingRemovals(device.deviceId) : [],
  ]);
  return {
    deviceId: device.deviceId,
    hostname: device.hostname,
    serverTime: new Date().toISOString(),
    pulls,
    assignments,
    removals: offered,
  };
}

/** Stores a new agent version and audits the change; the row lock makes two racing check-ins audit once. */
async function recordAgentVersion(deviceId: string, agentVersion: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    const [before] = await tx.select({ v: devices.agentVersion }).from(devices).where(eq(devices.id, deviceId)).for('update');
    if (!before || before.v === agentVersion) return;
    await tx.update(devices).set({ agentVersion }).where(eq(devices.id, deviceId));
    await recordAudit(
      {
        actor: { kind: 'device', id: deviceId },
        action: 'device.agent_updated',
        entityType: 'device',
        entityId: deviceId,
        before: { agentVersion: before.v },
        after: { agentVersion },
      },
      tx,
    );
  });
}
