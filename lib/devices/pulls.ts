import { and, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb } from '@/db';
import { artifacts, devices, entitlements, products, releases } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { parseInput } from '@/lib/pipeline/schema';
import type { AuthenticatedDevice } from './enrolment';
import { checkInInput, type CheckInInput } from './schema';

/** One thing the device should have: what the agent downloads (and verifies against sha256) and installs. */
export interface Pull {
  entitlementId: string;
  requestId: string | null;
  product: { slug: string; name: string };
  release: { id: string; version: string };
  artifact: { id: string; fileName: string; mediaType: string; sizeBytes: number; sha256: string; downloadUrl: string };
}

const entitled = alias(releases, 'entitled');

/**
 * What the device may pull now: for each active, unexpired entitlement, the build for its platform
 * of the release the entitlement resolves to. The rules mirror authorizeDownload, so every item
 * listed can be downloaded with the device's token:
 * - an exact entitlement resolves to its release while that is published or deprecated;
 * - "this and later releases" resolves to the newest published release at or after the entitled
 *   one (or to the entitled release itself, exactly, if no published one qualifies).
 * Withdrawn and draft releases and corrupt artifacts are never listed.
 */
export async function listPulls(deviceId: string): Promise<Pull[]> {
  const db = getDb();
  const device = await db.query.devices.findFirst({ where: and(eq(devices.id, deviceId), eq(devices.status, 'active')) });
  if (!device) return [];
  const held = await db
    .select({
      id: entitlements.id,
      requestId: entitlements.requestId,
      productId: entitlements.productId,
      slug: products.slug,
      name: products.name,
      includesLater: entitlements.includesLaterReleases,
      release: { id: entitled.id, status: entitled.status, publishedAt: entitled.publishedAt },
    })
    .from(entitlements)
    .innerJoin(products, eq(products.id, entitlements.productId))
    .leftJoin(entitled, eq(entitled.id, entitlements.releaseId))
    .where(
      and(
        eq(entitlements.deviceId, deviceId),
        eq(entitlements.userId, device.ownerId),
        eq(entitlements.status, 'active'),
        or(isNull(entitlements.expiresAt), gt(entitlements.expiresAt, sql`now()`)),
      ),
    )
    .orderBy(products.name);
  if (held.length === 0) return [];

  const laterOf = [...new Set(held.filter((e) => e.includesLater).map((e) => e.productId))];
  const published = laterOf.length
    ? await db
        .select({ id: releases.id, productId: releases.productId, publishedAt: releases.publishedAt })
        .from(releases)
        .where(and(inArray(releases.productId, laterOf), eq(releases.status, 'published')))
        .orderBy(desc(releases.publishedAt))
    : [];

  const chosen = new Map<string, string>(); // entitlement id → release id
  for (const e of held) {
    const since = e.release?.publishedAt ?? null;
    const later = e.includesLater
      ? published.find((r) => r.productId === e.productId && (e.release === null || (since !== null && r.publishedAt! >= since)))
      : undefined;
    const exact = e.release && (e.release.status === 'published' || e.release.status === 'deprecated') ? e.release.id : undefined;
    const releaseId = later?.id ?? exact;
    if (releaseId) chosen.set(e.id, releaseId);
  }
  if (chosen.size === 0) return [];

  const builds = await db
    .select({ artifact: artifacts, version: releases.version })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .where(
      and(inArray(artifacts.releaseId, [...new Set(chosen.values())]), eq(artifacts.platform, device.platform), eq(artifacts.status, 'ok')),
    );

  return held.flatMap((e): Pull[] => {
    const build = builds.find((b) => b.artifact.releaseId === chosen.get(e.id));
    if (!build) return [];
    const a = build.artifact;
    return [
      {
        entitlementId: e.id,
        requestId: e.requestId,
        product: { slug: e.slug, name: e.name },
        release: { id: a.releaseId, version: build.version },
        artifact: {
          id: a.id,
          fileName: a.fileName,
          mediaType: a.mediaType,
          sizeBytes: a.sizeBytes,
          sha256: a.sha256,
          downloadUrl: `/api/artifacts/${a.id}/download`,
        },
      },
    ];
  });
}

/**
 * The agent's periodic call: records its version (audited when it changes) and answers with what
 * to pull. `installed` is validated but not stored: the install ledger is written from reports,
 * which carry outcomes and idempotency keys; an inventory snapshot carries neither.
 */
export async function checkIn(
  device: AuthenticatedDevice,
  input: CheckInInput,
): Promise<{ deviceId: string; hostname: string; serverTime: string; pulls: Pull[] }> {
  const data = parseInput(checkInInput, input);
  await getDb().transaction(async (tx) => {
    const [before] = await tx.select({ v: devices.agentVersion }).from(devices).where(eq(devices.id, device.deviceId)).for('update');
    if (!before || before.v === data.agentVersion) return;
    await tx.update(devices).set({ agentVersion: data.agentVersion }).where(eq(devices.id, device.deviceId));
    await recordAudit(
      {
        actor: { kind: 'device', id: device.deviceId },
        action: 'device.agent_updated',
        entityType: 'device',
        entityId: device.deviceId,
        before: { agentVersion: before.v },
        after: { agentVersion: data.agentVersion },
      },
      tx,
    );
  });
  return {
    deviceId: device.deviceId,
    hostname: device.hostname,
    serverTime: new Date().toISOString(),
    pulls: await listPulls(device.deviceId),
  };
}
