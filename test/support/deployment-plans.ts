import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { artifacts, devices, installEvents, products, releases, users, type DeviceKind, type Platform } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { createTarget } from '@/lib/deployments/targets';
import type { DeploymentInput } from '@/lib/deployments/schema';
import type { PhaseInput } from '@/lib/rings/schema';
import { STANDING_LIVE_CHANGE } from '@/db/seed-suppliers';

/** `n` active devices at a site of their own (so a target `{ sites: [site] }` holds exactly them), each with its own owner. */
export async function fleetAt(site: string, n: number, opts: { environment?: string; platform?: Platform; kind?: DeviceKind } = {}) {
  const db = getDb();
  const people = await db
    .insert(users)
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `${site.toLowerCase()}-${i}-${randomUUID().slice(0, 8)}@example.com`,
        name: `${site} ${i}`,
        passwordHash: 'x',
      })),
    )
    .returning();
  const rows = await db
    .insert(devices)
    .values(
      people.map((p, i) => ({
        ownerId: p.id,
        hostname: `${site}-${i}`,
        platform: opts.platform ?? ('linux-x64' as const),
        kind: opts.kind ?? ('workstation' as const),
        site,
        country: 'DE',
        environment: opts.environment ?? 'test',
        status: 'active' as const,
      })),
    )
    .returning();
  return rows.map((d) => ({ ...d, ownerId: d.ownerId! })); // every fleet device has an owner
}

export async function siteTarget(manager: Actor, site: string) {
  return createTarget(manager, { name: `Site ${site}`, description: '', rules: { sites: [site] } });
}

/** A published release of a seeded product (its newest), optionally made seat-limited. */
export async function publishedRelease(slug: string, seatLimit: number | null = null) {
  const db = getDb();
  const product = (await db.query.products.findFirst({ where: eq(products.slug, slug) }))!;
  if (seatLimit !== null) await db.update(products).set({ seatLimit, licenceModel: 'per-seat' }).where(eq(products.id, product.id));
  const [release] = await db
    .select()
    .from(releases)
    .where(and(eq(releases.productId, product.id), eq(releases.status, 'published')))
    .limit(1);
  return { product, release: release! };
}

/**
 * A deployment plan. One into live with no change reference cites the seeded standing standard
 * change (approved, window from a day ago to 90 days ahead), so the change gate lets it through
 * as it would a routine deployment; pass `changeRef` (even '') to test the gate itself.
 */
export function plan(over: Partial<DeploymentInput> & Pick<DeploymentInput, 'releaseId' | 'targetId'>): DeploymentInput {
  const environment = over.environment ?? 'test';
  return {
    name: 'Test deployment',
    environment,
    intent: 'required',
    availableFrom: new Date(Date.now() - 60_000),
    windowTimeZone: 'UTC',
    phases: [],
    haltFailurePercent: 20,
    haltMinReports: 10,
    ...(environment === 'live' && !('changeRef' in over) ? { changeRef: STANDING_LIVE_CHANGE } : {}),
    ...over,
  };
}

/** The device reports an install outcome for a deployment (what the agent would send). */
export async function report(
  deploymentId: string,
  releaseId: string,
  device: { id: string; ownerId: string },
  type: 'install_succeeded' | 'install_failed',
  opts: { occurredAt?: Date; errorText?: string } = {},
) {
  const db = getDb();
  const release = (await db.query.releases.findFirst({ where: eq(releases.id, releaseId) }))!;
  const [artifact] = await db.select().from(artifacts).where(eq(artifacts.releaseId, releaseId)).limit(1);
  await db.insert(installEvents).values({
    type,
    deviceId: device.id,
    userId: device.ownerId,
    productId: release.productId,
    releaseId,
    artifactId: artifact!.id,
    sha256: artifact!.sha256,
    deploymentId,
    errorText: opts.errorText ?? null,
    occurredAt: opts.occurredAt ?? new Date(),
  });
}

/** A phase as a manager would plan it (gate 100 %, no wait, no spread, automatic). */
export function phase(over: Partial<PhaseInput> & Pick<PhaseInput, 'name'>): PhaseInput {
  return { gatePercent: 100, waitMinutes: 0, throttleMinutes: 0, startMode: 'auto', ...over };
}

/**
 * A new published release of the product (newest, published `publishedAt`), with a build for
 * linux-x64 whose bytes are not stored: enough for deployments and reports, not for downloads.
 */
export async function newerRelease(productId: string, version: string, publishedAt = new Date()) {
  const db = getDb();
  const [draft] = await db.insert(releases).values({ productId, version }).returning();
  const sha256 = createHash('sha256').update(version).digest('hex');
  const [artifact] = await db
    .insert(artifacts)
    .values({
      releaseId: draft!.id,
      platform: 'linux-x64',
      fileName: `${version}.bin`,
      sizeBytes: 1,
      sha256,
      storageKey: sha256,
      blockSize: 1,
      blockHashes: sha256,
    })
    .returning();
  const [release] = await db.update(releases).set({ status: 'published', publishedAt }).where(eq(releases.id, draft!.id)).returning();
  return { release: release!, artifact: artifact! };
}

/**
 * `n` active devices at `site` (fleetAt) that can call the device API: each gets a device token,
 * as enrolment would leave it, in one statement (enrolling 1,000 devices one by one is not what
 * the tests that use this are about). Returns each device with its bearer header.
 */
export async function fleetWithTokens(site: string, n: number) {
  const fleet = await fleetAt(site, n);
  const withTokens = fleet.map((d) => ({ ...d, token: `pdt_${randomBytes(32).toString('base64url')}` }));
  const values = withTokens.map((d) => sql`(${d.id}::uuid, ${createHash('sha256').update(d.token).digest('hex')})`);
  await getDb().execute(
    sql`update devices set token_hash = v.h from (values ${sql.join(values, sql`, `)}) as v(id, h) where devices.id = v.id`,
  );
  return withTokens.map((d) => ({ ...d, authorization: `Bearer ${d.token}` }));
}
