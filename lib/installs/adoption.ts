import { and, asc, count, desc, eq, gte, sql } from 'drizzle-orm';
import { getDb, type Db } from '@/db';
import {
  adoptionDays,
  adoptionErrorDays,
  artifacts,
  deviceCurrentInstalls,
  devices,
  products,
  releases,
  users,
  type Platform,
  type ReleaseStatus,
} from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';

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

/** The view's ADOPTION_DAYS UTC days, ending today, as YYYY-MM-DD. */
export function adoptionWindow(now: Date) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const n = ADOPTION_DAYS;
  return { days: Array.from({ length: n }, (_, i) => new Date(today - (n - 1 - i) * DAY_MS).toISOString().slice(0, 10)) };
}

/**
 * Which versions of a product devices run now, how that changed over the last 90 days, and
 * where installs fail. Current versions come from device_current_installs (one row per device);
 * the timeline, outcomes and errors from adoption_days and adoption_error_days, kept per day as
 * events are recorded (./adoption-days.ts): no read here grows with the number of events.
 * Outcomes and errors count the 90 UTC days the timeline shows (the first from its midnight).
 */
export async function getProductAdoption(actor: Actor, slug: string, now = new Date()): Promise<ProductAdoption> {
  assertRole(actor, 'service_desk', 'admin');
  const db = getDb();
  const product = await db.query.products.findFirst({ where: eq(products.slug, slug) });
  if (!product) throw new NotFoundError('No such product.');
  const { days } = adoptionWindow(now);
  const reads = adoptionReads(db, product.id, days);
  const [releaseRows, current, changesByDay, outcomes, topErrors] = await Promise.all([
    reads.releases,
    reads.current,
    reads.changesByDay,
    reads.outcomes,
    reads.topErrors,
  ]);

  const currentBy = new Map(current.map((c) => [c.releaseId, c.devices]));
  const outcomeBy = tally(outcomes, (o) => o.releaseId);
  const devicesPerDay = runningTotals(changesByDay, days);
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
    .map((v) => ({ releaseId: v.releaseId, version: v.version, values: devicesPerDay.get(v.releaseId) ?? days.map(() => 0) }))
    .filter((s) => s.values.some((n) => n > 0));

  return {
    product: { id: product.id, slug: product.slug, name: product.name, publisher: product.publisher },
    versions,
    timeline: { days, series },
    failuresByPlatform: [...tally(outcomes, (o) => o.platform)]
      .map(([platform, o]) => ({ platform, ...o }))
      .sort((a, b) => b.failed - a.failed || a.platform.localeCompare(b.platform)),
    topErrors,
  };
}

/** The statements the adoption view runs for one product over `days` (the benchmark times them raw, too). */
export function adoptionReads(db: Db, productId: string, days: string[]) {
  const first = days[0]!;
  const last = days.at(-1)!;
  const a = adoptionDays;
  const ae = adoptionErrorDays;
  const c = deviceCurrentInstalls;
  const failures = sql<number>`sum(${ae.failures})`.mapWith(Number);
  return {
    releases: db.select().from(releases).where(eq(releases.productId, productId)),
    current: db.select({ releaseId: c.releaseId, devices: count() }).from(c).where(eq(c.productId, productId)).groupBy(c.releaseId),
    // Days before the window fold into the day before it (the starting count); days after today,
    // from a device whose clock runs ahead, into today, so the last day counts everything.
    changesByDay: db
      .select({
        releaseId: a.releaseId,
        day: sql<string>`greatest(least(${a.day}, ${last}::date), ${first}::date - 1)::text`,
        devices: sql<number>`sum(${a.devicesDelta})`.mapWith(Number),
      })
      .from(a)
      .where(eq(a.productId, productId))
      .groupBy(a.releaseId, sql`2`),
    outcomes: db
      .select({
        releaseId: a.releaseId,
        platform: artifacts.platform,
        failed: sql<number>`sum(${a.failed})`.mapWith(Number),
        succeeded: sql<number>`sum(${a.succeeded})`.mapWith(Number),
      })
      .from(a)
      .innerJoin(artifacts, eq(artifacts.id, a.artifactId))
      .where(and(eq(a.productId, productId), gte(a.day, first)))
      .groupBy(a.releaseId, artifacts.platform),
    topErrors: db
      .select({ text: ae.errorText, count: failures, lastAt: sql<Date>`max(${ae.lastAt})`.mapWith(ae.lastAt) })
      .from(ae)
      .where(and(eq(ae.productId, productId), gte(ae.day, first)))
      .groupBy(ae.errorText)
      .orderBy(desc(failures), asc(ae.errorText))
      .limit(5),
  };
}

/** Failures and successes summed per key, leaving out keys with neither (as a count over no events would). */
function tally<R extends { failed: number; succeeded: number }, K>(rows: R[], key: (row: R) => K) {
  const out = new Map<K, { failed: number; succeeded: number }>();
  for (const r of rows) {
    if (r.failed + r.succeeded === 0) continue;
    const t = out.get(key(r)) ?? { failed: 0, succeeded: 0 };
    t.failed += r.failed;
    t.succeeded += r.succeeded;
    out.set(key(r), t);
  }
  return out;
}

/** Per release, the devices on it at the end of each day: the day's changes added to the day before's count. */
function runningTotals(changes: { releaseId: string; day: string; devices: number }[], days: string[]) {
  const index = new Map(days.map((d, i) => [d, i]));
  const out = new Map<string, number[]>();
  for (const c of changes) {
    const values = out.get(c.releaseId) ?? days.map(() => 0);
    // The day before the window carries the count it starts from.
    values[index.get(c.day) ?? 0]! += c.devices;
    out.set(c.releaseId, values);
  }
  for (const values of out.values()) for (let i = 1; i < values.length; i++) values[i]! += values[i - 1]!;
  return out;
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
