import { and, desc, eq, notInArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { advisories, releases } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { insertDeployment } from '@/lib/deployments/service';
import { listEnvironments } from '@/lib/deployments/environments';
import { deploymentInput } from '@/lib/deployments/schema';
import { insertTarget, nameTaken } from '@/lib/deployments/targets';
import { withdrawRelease } from '@/lib/dml/releases';
import { asInputError, NotFoundError, ValidationError } from '@/lib/errors';
import { devicesRunning, releasesAffectedBy } from './advisories';

export interface ExposureRow {
  advisoryId: string;
  summary: string;
  severity: string;
  releaseId: string;
  product: string;
  version: string;
  via: string;
  fixedIn: string | null;
  fixedRelease: { id: string; version: string } | null;
  devices: { id: string; hostname: string; environment: string | null }[];
}

/** The newest published release of the product that the advisory does not affect. */
async function fixedReleaseOf(productId: string, affectedIds: string[]) {
  const [r] = await getDb()
    .select({ id: releases.id, version: releases.version })
    .from(releases)
    .where(and(eq(releases.productId, productId), eq(releases.status, 'published'), notInArray(releases.id, affectedIds)))
    .orderBy(desc(releases.publishedAt))
    .limit(1);
  return r ?? null;
}

/**
 * The desk's view of known vulnerabilities: per advisory and affected release, the devices whose
 * current install (ledger state) is that release, with severity, fixed version and fixed release.
 */
export async function listExposure(actor: Actor, only?: { advisoryId: string; releaseId: string }): Promise<ExposureRow[]> {
  assertRole(actor, 'service_desk', 'deployment_manager', 'admin');
  const list = only
    ? await getDb().select().from(advisories).where(eq(advisories.id, only.advisoryId))
    : await getDb().select().from(advisories).orderBy(desc(advisories.importedAt));
  const rows: ExposureRow[] = [];
  for (const adv of list) {
    const affected = (await releasesAffectedBy(adv)).filter((r) => !only || r.releaseId === only.releaseId);
    const running = await devicesRunning(affected.map((a) => a.releaseId));
    for (const a of affected) {
      const devs = running.filter((d) => d.releaseId === a.releaseId);
      if (devs.length === 0) continue;
      rows.push({
        advisoryId: adv.id,
        summary: adv.summary,
        severity: adv.severity,
        releaseId: a.releaseId,
        product: a.product,
        version: a.version,
        via: a.via,
        fixedIn: a.fixedIn,
        fixedRelease: await fixedReleaseOf(
          a.productId,
          affected.filter((x) => x.productId === a.productId).map((x) => x.releaseId),
        ),
        devices: devs.map((d) => ({ id: d.deviceId, hostname: d.hostname, environment: d.environment })),
      });
    }
  }
  const rank = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 } as Record<string, number>;
  return rows.sort((x, y) => (rank[x.severity] ?? 4) - (rank[y.severity] ?? 4));
}

/**
 * One-click remediation: a required deployment of the fixed release to exactly the devices now
 * running the affected release (a target listing them), created as a draft so the normal planning
 * and approval flow applies. The target exists only for this deployment, so both are written in
 * one transaction: a refused deployment leaves no orphan target behind.
 */
export async function proposeFixDeployment(
  actor: Actor,
  advisoryId: string,
  releaseId: string,
): Promise<{ deploymentId: string; devices: number }> {
  const [row] = await listExposure(actor, { advisoryId, releaseId });
  if (!row) throw new NotFoundError('No device runs this release under this advisory any more.', 'advisory');
  const fixed = row.fixedRelease;
  if (!fixed) throw new ValidationError(`${row.product} has no published release that fixes ${advisoryId}; publish one first.`, 'release');
  const envs = row.devices.map((d) => d.environment).filter((e): e is string => !!e);
  const environment = mostCommon(envs) ?? (await listEnvironments())[0]?.key;
  if (!environment) throw new ValidationError('Set up an environment first.', 'environment');
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const input = (targetId: string) =>
    deploymentInput.parse({
      name: `Fix ${advisoryId}: ${row.product} ${fixed.version}`,
      releaseId: fixed.id,
      targetId,
      environment,
      intent: 'required',
      availableFrom: new Date().toISOString(),
    });
  const { id } = await getDb()
    .transaction(async (tx) => {
      const target = await insertTarget(tx, actor, {
        name: `${advisoryId}: ${row.product} ${row.version} devices (${stamp})`,
        description: `Devices running ${row.product} ${row.version}, affected by ${advisoryId}.`,
        rules: { deviceIds: row.devices.map((d) => d.id) },
      });
      return insertDeployment(tx, actor, input(target.id));
    })
    .catch((e: unknown) => {
      throw asInputError(nameTaken(e));
    });
  return { deploymentId: id, devices: row.devices.length };
}

/** The other proposal: withdraw the affected release (librarians only; the DML service checks). */
export async function withdrawAffectedRelease(actor: Actor, advisoryId: string, releaseId: string) {
  return withdrawRelease({ kind: 'user', actor }, releaseId, `Affected by advisory ${advisoryId}.`);
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
