import { and, asc, desc, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import { getDb } from '@/db';
import { approvalStages, artifacts, devices, entitlements, groups, products, releases, type Platform } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { requesterCanSee } from '@/lib/catalogue/visibility';
import { NotFoundError } from '@/lib/errors';
import { listMyRequests, type RequestRow } from './queries';

export interface RequestableDevice {
  id: string;
  hostname: string;
  platform: Platform;
  status: 'active' | 'pending';
  /** Whether the release asked about (or the current one) has a build for this device's platform. */
  hasBuild: boolean;
}

/**
 * The actor's own devices a request may name (active or still enrolling; never retired or
 * revoked), each flagged with whether the chosen release — or the product's current published
 * release — has a build for it. A product the actor may not request is not found.
 */
export async function listRequestableDevices(actor: Actor, productId: string, releaseId?: string): Promise<RequestableDevice[]> {
  const db = getDb();
  const product = await db.query.products.findFirst({ where: and(eq(products.id, productId), requesterCanSee(actor)) });
  if (!product) throw new NotFoundError('No such product in the catalogue.', 'productId');

  const [release] = await db
    .select({ id: releases.id })
    .from(releases)
    .where(and(eq(releases.productId, productId), eq(releases.status, 'published'), releaseId ? eq(releases.id, releaseId) : undefined))
    .orderBy(desc(releases.publishedAt))
    .limit(1);
  const platforms = new Set(
    release
      ? (
          await db
            .select({ platform: artifacts.platform })
            .from(artifacts)
            .where(and(eq(artifacts.releaseId, release.id), eq(artifacts.status, 'ok')))
        ).map((a) => a.platform)
      : [],
  );

  const rows = await db
    .select({ id: devices.id, hostname: devices.hostname, platform: devices.platform, status: devices.status })
    .from(devices)
    .where(and(eq(devices.ownerId, actor.id), inArray(devices.status, ['active', 'pending'])))
    .orderBy(asc(devices.hostname));
  return rows.map((d) => ({
    id: d.id,
    hostname: d.hostname,
    platform: d.platform,
    status: d.status === 'pending' ? 'pending' : 'active',
    hasBuild: platforms.has(d.platform),
  }));
}

export interface HeldEntitlement {
  id: string;
  deviceId: string;
  hostname: string;
  /** The request that granted it, where there was one (its page offers the download). */
  requestId: string | null;
  /** The release granted; null with `includesLaterReleases` means "whatever is current". */
  version: string | null;
  includesLaterReleases: boolean;
  expiresAt: Date | null;
}

/** The actor's entitlements to a product that are active and not past their end date. */
export async function activeEntitlementsFor(actor: Actor, productId: string): Promise<HeldEntitlement[]> {
  return getDb()
    .select({
      id: entitlements.id,
      deviceId: entitlements.deviceId,
      hostname: devices.hostname,
      requestId: entitlements.requestId,
      version: releases.version,
      includesLaterReleases: entitlements.includesLaterReleases,
      expiresAt: entitlements.expiresAt,
    })
    .from(entitlements)
    .innerJoin(devices, eq(devices.id, entitlements.deviceId))
    .leftJoin(releases, eq(releases.id, entitlements.releaseId))
    .where(
      and(
        eq(entitlements.userId, actor.id),
        eq(entitlements.productId, productId),
        eq(entitlements.status, 'active'),
        or(isNull(entitlements.expiresAt), gt(entitlements.expiresAt, new Date())),
      ),
    )
    .orderBy(asc(devices.hostname));
}

export interface MyRequestRow extends RequestRow {
  /** The product's approval stages in order, by who decides them ("Manager", a group's name). */
  stages: { position: number; label: string }[];
}

/** The actor's own requests, newest first, with what the "next step" of each needs to be told. */
export async function listMyRequestsWithSteps(actor: Actor): Promise<MyRequestRow[]> {
  const rows = await listMyRequests(actor);
  if (rows.length === 0) return [];
  const stageRows = await getDb()
    .select({ productId: approvalStages.productId, position: approvalStages.position, kind: approvalStages.kind, group: groups.name })
    .from(approvalStages)
    .leftJoin(groups, eq(groups.id, approvalStages.groupId))
    .where(inArray(approvalStages.productId, [...new Set(rows.map((r) => r.productId))]))
    .orderBy(asc(approvalStages.position));
  const labels = new Map<string, MyRequestRow['stages']>();
  for (const s of stageRows) {
    const label = s.kind === 'manager' ? 'Manager' : s.kind === 'group' ? (s.group ?? 'Group') : 'Automatic';
    labels.set(s.productId, [...(labels.get(s.productId) ?? []), { position: s.position, label }]);
  }
  return rows.map((r) => ({ ...r, stages: labels.get(r.productId) ?? [] }));
}
