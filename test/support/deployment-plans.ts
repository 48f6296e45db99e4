import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { artifacts, devices, installEvents, products, releases, users, type DeviceKind, type Platform } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { createTarget } from '@/lib/deployments/targets';
import type { DeploymentInput } from '@/lib/deployments/schema';
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
    occurredAt: new Date(),
  });
}
