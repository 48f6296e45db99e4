import { and, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { deploymentAssignments, deployments, devices, entitlements, releases } from '@/db/schema';
import { ForbiddenError } from '@/lib/errors';

/**
 * The big-bang rule for one download: a device covered (open assignment) by an active required
 * deployment with a cut-over gets, from the cut-over on, only that deployment's release of the
 * product; before it, it does not get that release yet. Returns the refusal naming the deployment,
 * or null. The same rule as cutoverBlocksSql, which keeps such releases out of the pulls list.
 */
export async function cutoverRefusal(
  db: DbOrTx,
  deviceId: string,
  release: { id: string; productId: string; version: string },
  now = new Date(),
): Promise<ForbiddenError | null> {
  const covering = await db
    .select({
      id: deployments.id,
      name: deployments.name,
      releaseId: deployments.releaseId,
      cutoverAt: deployments.cutoverAt,
      version: releases.version,
    })
    .from(deploymentAssignments)
    .innerJoin(deployments, eq(deployments.id, deploymentAssignments.deploymentId))
    .innerJoin(releases, eq(releases.id, deployments.releaseId))
    .where(
      and(
        eq(deploymentAssignments.deviceId, deviceId),
        isNull(deploymentAssignments.endedAt),
        eq(deployments.productId, release.productId),
        eq(deployments.status, 'active'),
        eq(deployments.intent, 'required'),
        isNotNull(deployments.cutoverAt),
      ),
    );
  for (const d of covering) {
    const at = d.cutoverAt!;
    if (now >= at && d.releaseId !== release.id) {
      return new ForbiddenError(
        `Deployment "${d.name}" (${d.id}) cut this device over to version ${d.version} at ${at.toISOString()}; version ${release.version} is no longer served to it.`,
        'deployment',
      );
    }
    if (now < at && d.releaseId === release.id) {
      return new ForbiddenError(
        `Version ${release.version} is served to this device from the cut-over of deployment "${d.name}" (${d.id}) at ${at.toISOString()}, not before.`,
        'deployment',
      );
    }
  }
  return null;
}

/**
 * SQL condition: `deviceSql`'s assignment to big-bang deployment `deploymentSql` waits for the
 * cut-over before it is granted, because the device holds a valid entitlement to the product now.
 * Superseding that entitlement at activation would leave the device nothing it may download until
 * the cut-over (the new release is refused before it, cutoverRefusal). So the old entitlement
 * stays as it is, and the first assignment run from the cut-over on revokes it and grants the
 * deployment's in one transaction (grantWaiting via assignDevices; cutoverSwitchJob runs one at
 * the cut-over). Such an assignment is not "waiting for a seat": its device holds its seat.
 */
export function awaitsCutoverSql(deploymentSql: SQL, deviceSql: SQL): SQL {
  return sql`exists (
    select 1 from ${deployments} kd
    join ${devices} kv on kv.id = ${deviceSql}
    join ${entitlements} ke on ke.device_id = kv.id and ke.user_id = kv.owner_id and ke.product_id = kd.product_id
      and ke.status = 'active' and (ke.expires_at is null or ke.expires_at > now())
      and ke.deployment_id is distinct from kd.id
    where kd.id = ${deploymentSql} and kd.cutover_at > now())`;
}
