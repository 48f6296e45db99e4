import { and, asc, count, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import {
  artifacts,
  deviceCurrentInstalls,
  devices,
  installEvents,
  products,
  releases,
  users,
  type Platform,
  type ReleaseStatus,
} from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';
import { replayAdoption, type LedgerStep } from './current';

export const ADOPTION_DAYS = 90;
const DAY_MS = 86_400_000;

export interface VersionAdoption {
  releaseId: string;
  version: string;
  status: ReleaseStatus;
  /** Devices whose current version this is. */
  devices: number;
  /** Over the last ADOPTION_DAYS days. */
  failed: number;
  succeeded: number;
}

export interface ProductAdoption {
  product: { id: string; slug: string; name: string; publisher: string };
  versions: VersionAdoption[];
  /** UTC days, oldest first, and per release the devices on it at the end of each day. */
  timeline: { days: string[]; series: { releaseId: string; version: string; values: number[] }[] };
  failuresByPlatform: { platform: Platform; failed: number; succeeded: number }[];
  topErrors: { text: string; count: number; lastAt: Date }[];
}

/** The last `n` UTC days (ending today) and the instant each of them ends. */
function lastDays(n: number, now: Date) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const starts = Array.from({ length: n }, (_, i) => today - (n - 1 - i) * DAY_MS);
  return { days: starts.map((t) => new Date(t).toISOString().slice(0, 10)), ends: starts.map((t) => new Date(t + DAY_MS)) };
}

/**
 * Which versions of a product devices run now, how that changed over the last 90 days, and
 * where installs fail. Current versions come from device_current_installs (one row per device);
 * the timeline replays the product's installs and uninstalls from the ledger (see ./current).
 */
export async function getProductAdoption(actor: Actor, slug: string, now = new Date()): Promise<ProductAdoption> {
  assertRole(actor, 'service_desk', 'admin');
  const db = getDb();
  const product = await db.query.products.findFirst({ where: eq(products.slug, slug) });
  if (!product) throw new NotFoundError('No such product.');
  const e = installEvents;
  const since = new Date(now.getTime() - ADOPTION_DAYS * DAY_MS);
  const recent = and(eq(e.productId, product.id), gte(e.occurredAt, since), inArray(e.type, ['install_succeeded', 'install_failed']));
  const outcomes = {
    failed: sql<number>`count(*) filter (where ${e.type} = 'install_failed')`.mapWith(Number),
    succeeded: sql<number>`count(*) filter (where ${e.type} = 'install_succeeded')`.mapWith(Number),
  };

  const c = deviceCurrentInstalls;
  const [releaseRows, current, outcomesByRelease, byPlatform, topErrors, steps] = await Promise.all([
    db.select().from(releases).where(eq(releases.productId, product.id)),
    db.select({ releaseId: c.releaseId, devices: count() }).from(c).where(eq(c.productId, product.id)).groupBy(c.releaseId),
    db
      .select({ releaseId: e.releaseId, ...outcomes })
      .from(e)
      .where(recent)
      .groupBy(e.releaseId),
    db
      .select({ platform: artifacts.platform, ...outcomes })
      .from(e)
      .innerJoin(artifacts, eq(artifacts.id, e.artifactId))
      .where(recent)
      .groupBy(artifacts.platform),
    db
      .select({
        text: sql<string>`left(${e.errorText}, 200)`,
        count: count(),
        lastAt: sql<Date>`max(${e.occurredAt})`.mapWith(e.occurredAt),
      })
      .from(e)
      .where(and(recent, eq(e.type, 'install_failed'), sql`${e.errorText} is not null`))
      .groupBy(sql`1`)
      .orderBy(desc(count()), sql`1`)
      .limit(5),
    db
      .select({ deviceId: e.deviceId, releaseId: e.releaseId, type: e.type, occurredAt: e.occurredAt })
      .from(e)
      .where(and(eq(e.productId, product.id), inArray(e.type, ['install_succeeded', 'uninstalled'])))
      .orderBy(asc(e.occurredAt), asc(e.id)),
  ]);

  const currentBy = new Map(current.map((c) => [c.releaseId, c.devices]));
  const outcomeBy = new Map(outcomesByRelease.map((o) => [o.releaseId, o]));
  const { days, ends } = lastDays(ADOPTION_DAYS, now);
  const snapshots = replayAdoption(steps as LedgerStep[], ends);
  // Newest first, as people read version lists; drafts only when something was recorded on them.
  const versions = releaseRows
    .filter((r) => r.status !== 'draft' || currentBy.has(r.id) || outcomeBy.has(r.id))
    .sort((a, b) => (b.publishedAt ?? b.createdAt).getTime() - (a.publishedAt ?? a.createdAt).getTime())
    .map((r) => ({
      releaseId: r.id,
      version: r.version,
      status: r.status,
      devices: currentBy.get(r.id) ?? 0,
      failed: outcomeBy.get(r.id)?.failed ?? 0,
      succeeded: outcomeBy.get(r.id)?.succeeded ?? 0,
    }));
  const series = versions
    .map((v) => ({ releaseId: v.releaseId, version: v.version, values: snapshots.map((s) => s.get(v.releaseId) ?? 0) }))
    .filter((s) => s.values.some((n) => n > 0));

  return {
    product: { id: product.id, slug: product.slug, name: product.name, publisher: product.publisher },
    versions,
    timeline: { days, series },
    failuresByPlatform: byPlatform.sort((a, b) => b.failed - a.failed),
    topErrors,
  };
}

export interface DevicesOnRelease {
  release: { id: string; version: string; status: ReleaseStatus; withdrawReason: string | null };
  product: { slug: string; name: string };
  total: number;
  devices: { id: string; hostname: string; platform: Platform; owner: { name: string; email: string }; since: Date }[];
}

/**
 * Devices whose current version is this release (typically a deprecated or withdrawn one the
 * desk must chase), longest on it first. `limit` caps the list, not `total`.
 */
export async function devicesOnRelease(actor: Actor, releaseId: string, limit = 500): Promise<DevicesOnRelease> {
  assertRole(actor, 'service_desk', 'admin');
  const db = getDb();
  const [release] = await db
    .select({ release: releases, slug: products.slug, name: products.name })
    .from(releases)
    .innerJoin(products, eq(products.id, releases.productId))
    .where(eq(releases.id, releaseId));
  if (!release) throw new NotFoundError('No such release.');
  const c = deviceCurrentInstalls;
  const on = eq(c.releaseId, releaseId);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: devices.id,
        hostname: devices.hostname,
        platform: devices.platform,
        name: users.name,
        email: users.email,
        since: c.since,
      })
      .from(c)
      .innerJoin(devices, eq(devices.id, c.deviceId))
      .leftJoin(users, eq(users.id, devices.ownerId))
      .where(on)
      .orderBy(asc(c.since), asc(devices.hostname))
      .limit(limit),
    db.select({ n: count() }).from(c).where(on),
  ]);
  const r = release.release;
  return {
    release: { id: r.id, version: r.version, status: r.status, withdrawReason: r.withdrawReason },
    product: { slug: release.slug, name: release.name },
    total: total?.n ?? 0,
    // A device whose owner was deactivated is still on the release; it shows as owned by nobody.
    devices: rows.map(({ name, email, ...d }) => ({ ...d, owner: { name: name ?? 'Nobody (owner deactivated)', email: email ?? '' } })),
  };
}
