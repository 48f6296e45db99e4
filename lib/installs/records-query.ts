import { and, desc, eq, gte, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb } from '@/db';
import { artifacts, devices, installEvents, products, releases, users, type InstallEventType, type Platform } from '@/db/schema';
import type { InstallFilter, RecordCursor } from './filters';

export interface InstallRecordView {
  id: number;
  occurredAt: Date;
  type: InstallEventType;
  device: { id: string; hostname: string };
  user: { name: string; email: string } | null;
  product: { name: string; slug: string };
  version: string;
  platform: Platform;
  sha256: string;
  requestId: string | null;
  approver: string | null;
  agentVersion: string | null;
  exitCode: number | null;
  /** Bytes transferred, on download events (after a resume: only what that run fetched). */
  bytes: number | null;
  /** The start of the error text on one line; the CSV export carries all of it. */
  errorExcerpt: string | null;
  /** The owner said so ("I installed it"); no agent verified it. */
  userReported: boolean;
}

export interface InstallRecordPage {
  rows: InstallRecordView[];
  /** Where the next (older) page starts; null on the last page. */
  nextCursor: string | null;
}

const DAY_MS = 86_400_000;
const EXCERPT_CHARS = 160;
/** A LIKE pattern matching `s` anywhere, taken literally (% and _ are not wildcards). */
export const contains = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const excerpt = (s: string | null) => {
  if (s === null) return null;
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
};

/** The filter with its product and version resolved to ids, so the planner sees real values. */
export interface ResolvedFilter extends InstallFilter {
  /** Absent: no product or version filter; empty: nothing can match. */
  productIds?: string[];
  releaseIds?: string[];
}

export async function resolveFilter(filter: InstallFilter): Promise<ResolvedFilter> {
  const db = getDb();
  const resolved: ResolvedFilter = { ...filter };
  if (filter.product) {
    resolved.productIds = (await db.select({ id: products.id }).from(products).where(eq(products.slug, filter.product))).map((p) => p.id);
  }
  if (filter.version) {
    const same = [eq(releases.version, filter.version), ...(resolved.productIds ? [inArray(releases.productId, resolved.productIds)] : [])];
    resolved.releaseIds = (
      await db
        .select({ id: releases.id })
        .from(releases)
        .where(and(...same))
    ).map((r) => r.id);
  }
  return resolved;
}

/**
 * The filter as conditions on install_events alone. Text filters on devices and users become
 * id subqueries, so the scan itself stays on install_events' (…, occurred_at) indexes and the
 * LIMIT stops it early; the joins for display happen on the page's rows only.
 */
export function recordConditions(filter: ResolvedFilter, cursor?: RecordCursor): SQL[] {
  const db = getDb();
  const where: SQL[] = [];
  const e = installEvents;
  if (filter.device) {
    where.push(
      inArray(
        e.deviceId,
        db
          .select({ id: devices.id })
          .from(devices)
          .where(ilike(devices.hostname, contains(filter.device))),
      ),
    );
  }
  if (filter.user) {
    const match = or(ilike(users.email, contains(filter.user)), ilike(users.name, contains(filter.user)));
    where.push(inArray(e.userId, db.select({ id: users.id }).from(users).where(match)));
  }
  // inArray with an empty list is `false`: an unknown product or version matches nothing.
  if (filter.productIds) where.push(inArray(e.productId, filter.productIds));
  if (filter.releaseIds) where.push(inArray(e.releaseId, filter.releaseIds));
  if (filter.outcome) where.push(eq(e.type, filter.outcome));
  if (filter.reportedBy === 'owner') where.push(eq(e.userReported, true));
  // Agent-verified: an install outcome the agent sent (browser downloads and owners' reports are not).
  if (filter.reportedBy === 'agent')
    where.push(eq(e.userReported, false), inArray(e.type, ['install_succeeded', 'install_failed', 'uninstalled']));
  if (filter.from) where.push(gte(e.occurredAt, new Date(`${filter.from}T00:00:00Z`)));
  if (filter.to) where.push(lt(e.occurredAt, new Date(Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS)));
  if (cursor) where.push(sql`(${e.occurredAt}, ${e.id}) < (${cursor.at}::timestamptz, ${cursor.id}::bigint)`);
  return where;
}

/** The query for one page: the newest `limit` matching events first, then their names joined on. */
export function recordsQuery(filter: ResolvedFilter, cursor: RecordCursor | undefined, limit: number) {
  const db = getDb();
  const e = installEvents;
  const where = recordConditions(filter, cursor);
  const page = db
    .select({
      id: e.id,
      type: e.type,
      deviceId: e.deviceId,
      userId: e.userId,
      productId: e.productId,
      releaseId: e.releaseId,
      artifactId: e.artifactId,
      sha256: e.sha256,
      requestId: e.requestId,
      approverId: e.approverId,
      agentVersion: e.agentVersion,
      exitCode: e.exitCode,
      bytes: e.bytes,
      errorText: e.errorText,
      userReported: e.userReported,
      occurredAt: e.occurredAt,
      atText: sql<string>`to_char(${e.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at_text'),
    })
    .from(e)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(e.occurredAt), desc(e.id))
    .limit(limit)
    .as('page');
  const approver = alias(users, 'approver');
  return db
    .select({
      id: page.id,
      type: page.type,
      deviceId: page.deviceId,
      sha256: page.sha256,
      requestId: page.requestId,
      agentVersion: page.agentVersion,
      exitCode: page.exitCode,
      bytes: page.bytes,
      errorText: page.errorText,
      userReported: page.userReported,
      occurredAt: page.occurredAt,
      atText: page.atText,
      hostname: devices.hostname,
      userName: users.name,
      userEmail: users.email,
      productName: products.name,
      productSlug: products.slug,
      version: releases.version,
      platform: artifacts.platform,
      approverName: approver.name,
    })
    .from(page)
    .innerJoin(devices, eq(devices.id, page.deviceId))
    .innerJoin(products, eq(products.id, page.productId))
    .innerJoin(releases, eq(releases.id, page.releaseId))
    .innerJoin(artifacts, eq(artifacts.id, page.artifactId))
    .leftJoin(users, eq(users.id, page.userId))
    .leftJoin(approver, eq(approver.id, page.approverId))
    .orderBy(desc(page.occurredAt), desc(page.id));
}

type Row = Awaited<ReturnType<typeof recordsQuery>>[number];

export async function fetchRows(filter: ResolvedFilter, cursor: RecordCursor | undefined, size: number) {
  const rows = await recordsQuery(filter, cursor, size + 1);
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return { page, next: rows.length > size && last ? { at: last.atText, id: last.id } : undefined };
}

export function toView(r: Row): InstallRecordView {
  return {
    id: r.id,
    occurredAt: r.occurredAt,
    type: r.type,
    device: { id: r.deviceId, hostname: r.hostname },
    user: r.userEmail !== null && r.userName !== null ? { name: r.userName, email: r.userEmail } : null,
    product: { name: r.productName, slug: r.productSlug },
    version: r.version,
    platform: r.platform,
    sha256: r.sha256,
    requestId: r.requestId,
    approver: r.approverName,
    agentVersion: r.agentVersion,
    exitCode: r.exitCode,
    bytes: r.bytes,
    errorExcerpt: excerpt(r.errorText),
    userReported: r.userReported,
  };
}
