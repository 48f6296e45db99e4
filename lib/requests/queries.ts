import { alias } from 'drizzle-orm/pg-core';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import {
  approvals,
  approvalStages,
  artifacts,
  auditEvents,
  devices,
  entitlements,
  products,
  releases,
  serviceRequests,
  users,
  type RequestStatus,
} from '@/db/schema';
import { hasRole, type Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';
import { currentStage, decidingAs, namesOf } from './approvers';

export interface RequestRow {
  id: string;
  productId: string;
  deviceId: string;
  status: RequestStatus;
  closedReason: string | null;
  product: { name: string; slug: string };
  version: string | null;
  device: { hostname: string; platform: string };
  requester: string;
  justification: string;
  createdAt: Date;
  stage: number | null;
  stageDueAt: Date | null;
}

const requester = alias(users, 'requester');

function baseQuery() {
  return getDb()
    .select({
      id: serviceRequests.id,
      status: serviceRequests.status,
      productName: products.name,
      productSlug: products.slug,
      version: releases.version,
      hostname: devices.hostname,
      platform: devices.platform,
      requester: requester.name,
      requesterId: serviceRequests.requesterId,
      justification: serviceRequests.justification,
      createdAt: serviceRequests.createdAt,
      stage: serviceRequests.currentStage,
      stageDueAt: serviceRequests.stageDueAt,
      productId: serviceRequests.productId,
      deviceId: serviceRequests.deviceId,
      closedReason: serviceRequests.closedReason,
    })
    .from(serviceRequests)
    .innerJoin(products, eq(products.id, serviceRequests.productId))
    .innerJoin(devices, eq(devices.id, serviceRequests.deviceId))
    .innerJoin(requester, eq(requester.id, serviceRequests.requesterId))
    .leftJoin(releases, eq(releases.id, serviceRequests.releaseId));
}
type BaseRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['where']>>[number];

const toRow = (r: BaseRow): RequestRow => ({
  id: r.id,
  productId: r.productId,
  deviceId: r.deviceId,
  status: r.status,
  closedReason: r.closedReason,
  product: { name: r.productName, slug: r.productSlug },
  version: r.version,
  device: { hostname: r.hostname, platform: r.platform },
  requester: r.requester,
  justification: r.justification,
  createdAt: r.createdAt,
  stage: r.stage,
  stageDueAt: r.stageDueAt,
});

export async function listMyRequests(actor: Actor): Promise<RequestRow[]> {
  const rows = await baseQuery().where(eq(serviceRequests.requesterId, actor.id)).orderBy(desc(serviceRequests.createdAt));
  return rows.map(toRow);
}

export { listInbox, type InboxEntry, type InboxFilter, type InboxPage } from './inbox';

export interface HistoryEntry {
  at: Date;
  actor: string;
  action: string;
  detail: string | null;
}

export interface RequestDetail extends RequestRow {
  requesterId: string;
  stages: { position: number; label: string; requiredApprovals: number }[];
  history: HistoryEntry[];
  /** Artifacts the requester may download now (approved or fulfilled, entitlement active). */
  downloads: { artifactId: string; fileName: string; sizeBytes: number; sha256: string; version: string }[];
  /** How the reader comes to see it, so the page leads back to where they came from. */
  viewedAs: 'requester' | 'approver' | 'desk';
  /** Set when the release this request grants was withdrawn: nothing can be downloaded, and this says why. */
  withdrawn?: { version: string; reason: string };
  canDecide: boolean;
  canCancel: boolean;
}

/**
 * One request with its full history. Visible to its requester, to those who may decide or have
 * decided it, and to the service desk and admins; to anyone else it does not exist.
 */
export async function getRequestDetail(actor: Actor, requestId: string): Promise<RequestDetail> {
  const db = getDb();
  const [r] = await baseQuery().where(eq(serviceRequests.id, requestId));
  if (!r) throw new NotFoundError('No such request.');
  const request = (await db.query.serviceRequests.findFirst({ where: eq(serviceRequests.id, requestId) }))!;
  const stage = await currentStage(db, request);
  const deciding = r.status === 'pending_approval' && stage ? await decidingAs(db, stage, r.requesterId, actor.id) : null;
  const decidedBefore = await db.query.approvals.findFirst({
    where: and(eq(approvals.requestId, requestId), eq(approvals.approverId, actor.id)),
  });
  const mine = r.requesterId === actor.id;
  if (!mine && !deciding && !decidedBefore && !hasRole(actor, 'service_desk', 'admin')) throw new NotFoundError('No such request.');

  const [stages, events] = await Promise.all([
    db
      .select({
        position: approvalStages.position,
        kind: approvalStages.kind,
        group: approvalStages.groupId,
        requiredApprovals: approvalStages.requiredApprovals,
      })
      .from(approvalStages)
      .where(eq(approvalStages.productId, r.productId))
      .orderBy(asc(approvalStages.position)),
    db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'service_request'), eq(auditEvents.entityId, requestId)))
      .orderBy(asc(auditEvents.at), asc(auditEvents.id)),
  ]);
  const names = await namesOf(db, [
    ...new Set(
      events.flatMap((e) => (e.actorKind === 'user' && e.actorId ? [e.actorId] : [])).concat(events.flatMap((e) => onBehalfOf(e.after))),
    ),
  ]);
  const groupNames = await db.query.groups.findMany({
    where: (g) =>
      inArray(
        g.id,
        stages.flatMap((s) => (s.group ? [s.group] : [])),
      ),
  });
  const history = events.map((e) => ({
    at: e.at,
    actor: e.actorKind === 'user' ? (names.get(e.actorId ?? '') ?? 'Unknown user') : e.actorKind === 'system' ? 'Portal' : e.actorKind,
    action: e.action,
    detail: describe(e.action, e.after, names),
  }));

  const { downloads, withdrawn } =
    mine && (r.status === 'approved' || r.status === 'fulfilled') ? await downloadsFor(requestId, r.platform) : { downloads: [] };
  return {
    ...toRow(r),
    requesterId: r.requesterId,
    stages: stages.map((s) => ({
      position: s.position,
      label: s.kind === 'manager' ? 'Manager' : (groupNames.find((g) => g.id === s.group)?.name ?? 'Group'),
      requiredApprovals: s.requiredApprovals,
    })),
    history,
    downloads,
    withdrawn,
    viewedAs: mine ? 'requester' : deciding || decidedBefore ? 'approver' : 'desk',
    canDecide: Boolean(deciding),
    canCancel: mine && (r.status === 'pending_approval' || r.status === 'waiting_for_seat'),
  };
}

function onBehalfOf(after: unknown): string[] {
  const id = (after as { onBehalfOfId?: string | null } | null)?.onBehalfOfId;
  return id ? [id] : [];
}

function describe(action: string, after: unknown, names: Map<string, string>): string | null {
  const a = (after ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof a.stage === 'number') parts.push(`stage ${a.stage}`);
  if (typeof a.onBehalfOfId === 'string') parts.push(`on behalf of ${names.get(a.onBehalfOfId) ?? 'another approver'}`);
  if (typeof a.comment === 'string' && a.comment) parts.push(`“${a.comment}”`);
  if (typeof a.reason === 'string' && a.reason) parts.push(a.reason);
  if (action === 'request.submitted' && typeof a.justification === 'string') parts.push(`“${a.justification}”`);
  return parts.length ? parts.join(' · ') : null;
}

/**
 * What an approved request lets its requester download: the entitled release's build for the
 * device, if that release may still be served. A withdrawn release is never offered (the download
 * would be refused); the page says it was withdrawn and why instead.
 */
async function downloadsFor(requestId: string, platform: string): Promise<Pick<RequestDetail, 'downloads' | 'withdrawn'>> {
  const db = getDb();
  const e = await db.query.entitlements.findFirst({ where: and(eq(entitlements.requestId, requestId), eq(entitlements.status, 'active')) });
  if (!e) return { downloads: [] };
  const latest = e.includesLaterReleases
    ? (
        await db
          .select({ id: releases.id })
          .from(releases)
          .where(and(eq(releases.productId, e.productId), eq(releases.status, 'published')))
          .orderBy(desc(releases.publishedAt))
          .limit(1)
      )[0]?.id
    : undefined;
  const releaseId = latest ?? e.releaseId;
  if (!releaseId) return { downloads: [] };
  const release = await db.query.releases.findFirst({ where: eq(releases.id, releaseId) });
  if (!release) return { downloads: [] };
  if (release.status === 'withdrawn' || release.status === 'draft') {
    return { downloads: [], withdrawn: { version: release.version, reason: release.withdrawReason ?? 'No reason was recorded.' } };
  }
  const rows = await db
    .select({
      artifactId: artifacts.id,
      fileName: artifacts.fileName,
      sizeBytes: artifacts.sizeBytes,
      sha256: artifacts.sha256,
      version: releases.version,
    })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .where(and(eq(artifacts.releaseId, releaseId), sql`${artifacts.platform}::text = ${platform}`, eq(artifacts.status, 'ok')));
  return { downloads: rows };
}
