import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import {
  artifacts,
  deploymentAssignments,
  deployments,
  devices,
  entitlements,
  products,
  releases,
  targets,
  type Deployment,
  type Platform,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { authenticateDevice, enrolDevice, registerDevice } from '@/lib/devices/service';

/*
 * Deployment fixtures written straight into the tables, as the deploy-plan services would leave
 * them (activation, assignDevices): the device side reads these rows and nothing else.
 */

/** A device of `who`, added and enrolled as the portal and the agent would. */
export async function enrolledDevice(who: Actor, hostname: string, platform: Platform = 'linux-x64') {
  const { device, enrolment } = await registerDevice(who, { hostname, platform });
  const { token } = await enrolDevice({ code: enrolment.code, agentVersion: '1.0.0' });
  return { id: device.id, ownerId: who.id, token, auth: await authenticateDevice(`Bearer ${token}`) };
}

/** A seeded product's published and deprecated releases with a build for `platform`, oldest first. */
export async function releasesOf(slug: string, platform: Platform = 'linux-x64') {
  const product = (await getDb().query.products.findFirst({ where: eq(products.slug, slug) }))!;
  const rows = await getDb()
    .select({ id: releases.id, version: releases.version, status: releases.status, artifactId: artifacts.id, sha256: artifacts.sha256 })
    .from(releases)
    .innerJoin(artifacts, and(eq(artifacts.releaseId, releases.id), eq(artifacts.platform, platform)))
    .where(and(eq(releases.productId, product.id), inArray(releases.status, ['published', 'deprecated'])))
    .orderBy(asc(releases.publishedAt));
  return { product, releases: rows };
}

export interface DeploymentFixture {
  productId: string;
  releaseId: string;
  createdBy: Actor;
  intent?: 'required' | 'available';
  status?: Deployment['status'];
  availableFrom?: Date;
  deadline?: Date | null;
  window?: { startMinute: number; endMinute: number; timeZone: string } | null;
  cutoverAt?: Date | null;
  activatedAt?: Date;
  name?: string;
}

/** A deployment (active by default, available from an hour ago) on a target of its own. */
export async function insertDeployment(f: DeploymentFixture): Promise<Deployment> {
  const db = getDb();
  const [target] = await db
    .insert(targets)
    .values({ name: `target-${randomUUID()}`, rules: {}, createdById: f.createdBy.id })
    .returning();
  const availableFrom = f.availableFrom ?? new Date(Date.now() - 3_600_000);
  const [d] = await db
    .insert(deployments)
    .values({
      name: f.name ?? `Deployment ${randomUUID().slice(0, 8)}`,
      productId: f.productId,
      releaseId: f.releaseId,
      targetId: target!.id,
      environment: 'live',
      intent: f.intent ?? 'required',
      status: f.status ?? 'active',
      availableFrom,
      deadline: f.deadline ?? null,
      windowStartMinute: f.window?.startMinute ?? null,
      windowEndMinute: f.window?.endMinute ?? null,
      windowTimeZone: f.window?.timeZone ?? 'UTC',
      cutoverAt: f.cutoverAt ?? null,
      createdById: f.createdBy.id,
      activatedAt: f.activatedAt ?? availableFrom,
    })
    .returning();
  return d!;
}

/**
 * Assigns the device as assignDevices would: a required assignment gets an entitlement to the
 * deployment's release (deploymentId set) in the same transaction; an available one none until
 * claimed. A device already holding an active entitlement to the product (one per user, device
 * and product) keeps it, and the assignment points at it.
 */
export async function assignDevice(d: Deployment, deviceId: string, opts: { withEntitlement?: boolean; assignedAt?: Date } = {}) {
  return getDb().transaction(async (tx) => {
    const [device] = await tx.select().from(devices).where(eq(devices.id, deviceId));
    let entitlementId: string | null = null;
    if (opts.withEntitlement ?? d.intent === 'required') {
      const held = await tx.query.entitlements.findFirst({
        where: and(
          eq(entitlements.deviceId, deviceId),
          eq(entitlements.userId, device!.ownerId!),
          eq(entitlements.productId, d.productId),
          eq(entitlements.status, 'active'),
        ),
      });
      const [e] = held
        ? [held]
        : await tx
            .insert(entitlements)
            .values({ userId: device!.ownerId!, deviceId, productId: d.productId, releaseId: d.releaseId, deploymentId: d.id })
            .returning();
      entitlementId = e!.id;
    }
    await tx
      .insert(deploymentAssignments)
      .values({ deploymentId: d.id, deviceId, entitlementId, ...(opts.assignedAt ? { assignedAt: opts.assignedAt } : {}) });
    return { entitlementId };
  });
}

/** An entitlement as an approved request grants it (no request row needed here). */
export async function entitle(deviceId: string, productId: string, releaseId: string, includesLaterReleases = false) {
  const [device] = await getDb().select().from(devices).where(eq(devices.id, deviceId));
  const [e] = await getDb()
    .insert(entitlements)
    .values({ userId: device!.ownerId!, deviceId, productId, releaseId, includesLaterReleases })
    .returning();
  return e!;
}
