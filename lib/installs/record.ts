import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type DbOrTx, type Tx } from '@/db';
import {
  approvals,
  artifacts,
  deploymentAssignments,
  deployments,
  devices,
  entitlements,
  installEvents,
  releases,
  type InstallEventType,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { ConflictError, UnauthorizedError, ValidationError } from '@/lib/errors';
import { parseInput } from '@/lib/pipeline/schema';
import { endEntitlements, promoteWaiting } from '@/lib/requests/fulfilment';
import { markFulfilled } from '@/lib/requests/lifecycle';
import { reportsInput, type ReportsInput } from '@/lib/devices/schema';
import { settleRemovals } from '@/lib/removals/service';
import { coveringEntitlement, type HeldEntitlement } from './coverage';
import { foldIntoAdoptionDays } from './adoption-days';
import { refreshCurrentInstalls } from './current-table';
import { evaluateAfterReports } from '@/lib/rings/gates';

type EventRow = typeof installEvents.$inferInsert;

/** The last approver of each request (auto-approved requests have none). */
async function lastApprovers(db: DbOrTx, requestIds: (string | null)[]): Promise<Map<string, string>> {
  const ids = [...new Set(requestIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ requestId: approvals.requestId, approverId: approvals.approverId })
    .from(approvals)
    .where(and(inArray(approvals.requestId, ids), eq(approvals.decision, 'approved')))
    .orderBy(desc(approvals.decidedAt), desc(approvals.id));
  const last = new Map<string, string>();
  for (const r of rows) if (!last.has(r.requestId)) last.set(r.requestId, r.approverId);
  return last;
}

const targets = (db: DbOrTx, ids: string[]) =>
  db
    .select({ artifact: artifacts, release: releases })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .where(inArray(artifacts.id, ids));

/** Every entitlement (any status) of this owner and device, newest first, with when its release was published. */
function heldBy(db: DbOrTx, ownerId: string, deviceId: string): Promise<HeldEntitlement[]> {
  return db
    .select({
      id: entitlements.id,
      productId: entitlements.productId,
      releaseId: entitlements.releaseId,
      includesLaterReleases: entitlements.includesLaterReleases,
      requestId: entitlements.requestId,
      deploymentId: entitlements.deploymentId,
      active: sql<boolean>`${entitlements.status} = 'active' and (${entitlements.expiresAt} is null or ${entitlements.expiresAt} > now())`,
      entitledAt: releases.publishedAt,
    })
    .from(entitlements)
    .leftJoin(releases, eq(releases.id, entitlements.releaseId))
    .where(and(eq(entitlements.userId, ownerId), eq(entitlements.deviceId, deviceId)))
    .orderBy(desc(entitlements.createdAt));
}

/** The product of each deployment this device is (or was) assigned to, among `ids`. */
async function assignedDeployments(db: DbOrTx, deviceId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: deployments.id, productId: deployments.productId })
    .from(deploymentAssignments)
    .innerJoin(deployments, eq(deployments.id, deploymentAssignments.deploymentId))
    .where(and(eq(deploymentAssignments.deviceId, deviceId), inArray(deploymentAssignments.deploymentId, ids)));
  return new Map(rows.map((r) => [r.id, r.productId]));
}

/**
 * The agent's install reports, recorded all or nothing. Each is checked against the device's
 * entitlements (see coveringEntitlement) and linked to the device, its owner, the release, the
 * artifact's recorded hash, the request and its last approver. A retried event (same device and
 * idempotency key) is recorded once; a used key with a different event is a 409 naming it. The
 * device's current installs (device_current_installs) and the adoption counts (adoption_days)
 * follow in the same transaction. A
 * completed download fulfils the request; an uninstall ends the entitlement and passes its
 * licence seat on, and (with uninstall_failed) settles a removal asked for on My software.
 */
export async function recordInstallEvents(
  device: { deviceId: string; ownerId: string },
  events: ReportsInput['events'],
): Promise<{ recorded: number; duplicates: number }> {
  const input = parseInput(reportsInput, { events }).events;
  const fulfil = new Set<string>();
  const failedIn = new Set<string>();
  const recorded = await getDb().transaction(async (tx) => {
    // Shares the lock retire/revoke take for update: a device being retired reports nothing more.
    const [live] = await tx
      .select({ hostname: devices.hostname })
      .from(devices)
      .where(and(eq(devices.id, device.deviceId), eq(devices.status, 'active')))
      .for('share');
    if (!live) throw new UnauthorizedError('This device is no longer active; enrol it again.');
    const found = new Map((await targets(tx, [...new Set(input.map((e) => e.artifactId))])).map((t) => [t.artifact.id, t]));
    const held = await heldBy(tx, device.ownerId, device.deviceId);
    const named = await assignedDeployments(tx, device.deviceId, [
      ...new Set(input.flatMap((e) => (e.deploymentId ? [e.deploymentId] : []))),
    ]);
    const rows = input.map((e, i): EventRow & { entitlementId: string } => {
      const t = found.get(e.artifactId);
      const ent = coveringEntitlement(held, t?.release, e.type, `events.${i}.artifactId`, e.deploymentId);
      // A deployment named in a report must be one this device was assigned to, for this product
      // (an ended assignment still counts: reports can arrive after the device left the target).
      if (e.deploymentId !== undefined && named.get(e.deploymentId) !== t!.release.productId) {
        throw new ValidationError(
          'This device is not assigned to that deployment of this product, so nothing of this batch was recorded.',
          `events.${i}.deploymentId`,
        );
      }
      if (ent.requestId && e.type === 'download_completed') fulfil.add(ent.requestId);
      return {
        entitlementId: ent.id,
        type: e.type,
        deviceId: device.deviceId,
        userId: device.ownerId,
        productId: t!.release.productId,
        releaseId: t!.release.id,
        artifactId: t!.artifact.id,
        sha256: t!.artifact.sha256,
        requestId: ent.requestId,
        // Planned vs happened: the deployment the agent named, else the one that granted the entitlement.
        deploymentId: e.deploymentId ?? ent.deploymentId,
        agentVersion: e.agentVersion ?? null,
        exitCode: e.exitCode ?? null,
        errorText: e.errorText ?? null,
        bytes: e.bytes ?? null,
        idempotencyKey: e.idempotencyKey,
        occurredAt: new Date(e.occurredAt),
      };
    });
    const approvers = await lastApprovers(
      tx,
      rows.map((r) => r.requestId ?? null),
    );
    const inserted = await tx
      .insert(installEvents)
      .values(rows.map(({ entitlementId: _, ...r }) => ({ ...r, approverId: r.requestId ? (approvers.get(r.requestId) ?? null) : null })))
      .onConflictDoNothing({ target: [installEvents.deviceId, installEvents.idempotencyKey] })
      .returning({ id: installEvents.id, key: installEvents.idempotencyKey });
    const fresh = new Set(inserted.map((r) => r.key));
    if (inserted.length < rows.length) await assertRetriesMatch(tx, device.deviceId, rows);
    const changed = rows.filter((r) => fresh.has(r.idempotencyKey!) && (r.type === 'install_succeeded' || r.type === 'uninstalled'));
    await refreshCurrentInstalls(tx, device.deviceId, [...new Set(changed.map((r) => r.productId))]);
    // A removal asked for on My software is settled by the report, in this transaction.
    await settleRemovals(
      tx,
      device.deviceId,
      rows
        .filter((r) => fresh.has(r.idempotencyKey!) && (r.type === 'uninstalled' || r.type === 'uninstall_failed'))
        .map((r) => ({ productId: r.productId, type: r.type as 'uninstalled' | 'uninstall_failed', errorText: r.errorText ?? null })),
    );
    for (const r of rows) {
      // Only the first recording of an uninstall ends anything; a retry finds it done.
      if (r.type !== 'uninstalled' || !fresh.delete(r.idempotencyKey!)) continue;
      await endForUninstall(tx, r.entitlementId, device.deviceId, live.hostname);
    }
    for (const r of rows) if (r.type === 'install_failed' && r.deploymentId && fresh.has(r.idempotencyKey!)) failedIn.add(r.deploymentId);
    // Last: its per-day rows are shared with every device reporting on the same artifact that day.
    await foldIntoAdoptionDays(
      tx,
      device.deviceId,
      inserted.map((r) => r.id),
    );
    return { count: inserted.length };
  });
  // After commit (markFulfilled has its own transaction). It is conditional on 'approved', so
  // doing it for retried events too is harmless, and completes one whose first attempt was cut short.
  for (const requestId of fulfil) await markFulfilled(requestId, { kind: 'device', id: device.deviceId });
  // A failure report may tip a phased deployment over its halt threshold: judged now, not at the next tick.
  if (failedIn.size) await evaluateAfterReports([...failedIn]);
  return { recorded: recorded.count, duplicates: input.length - recorded.count };
}

/** What the sender said about an event; the rest is derived from the artifact and entitlements. */
const sentFields = (
  r: Pick<EventRow, 'type' | 'artifactId' | 'deploymentId' | 'occurredAt' | 'exitCode' | 'errorText' | 'bytes' | 'agentVersion'>,
) =>
  JSON.stringify([
    r.type,
    r.artifactId,
    r.deploymentId ?? null,
    r.occurredAt.getTime(),
    r.exitCode ?? null,
    r.errorText ?? null,
    r.bytes ?? null,
    r.agentVersion ?? null,
  ]);

/**
 * A key already recorded must stand for the same event: an identical retry is a duplicate, but
 * another event under a used key would be lost silently, so the whole batch is refused (409).
 */
async function assertRetriesMatch(tx: Tx, deviceId: string, rows: EventRow[]): Promise<void> {
  const stored = await tx
    .select()
    .from(installEvents)
    .where(
      and(
        eq(installEvents.deviceId, deviceId),
        inArray(
          installEvents.idempotencyKey,
          rows.map((r) => r.idempotencyKey!),
        ),
      ),
    );
  const byKey = new Map(stored.map((e) => [e.idempotencyKey, sentFields(e)]));
  rows.forEach((r, i) => {
    const was = byKey.get(r.idempotencyKey!);
    if (was !== undefined && was !== sentFields(r)) {
      throw new ConflictError(
        `The idempotency key ${JSON.stringify(r.idempotencyKey)} was already used by this device for a different event; send a new key for a new event.`,
        `events.${i}.idempotencyKey`,
      );
    }
  });
}

/** Ends the entitlement an uninstall was reported against, if still active, and frees its seat. */
async function endForUninstall(tx: Tx, entitlementId: string, deviceId: string, hostname: string): Promise<void> {
  const [e] = await tx
    .select()
    .from(entitlements)
    .where(and(eq(entitlements.id, entitlementId), eq(entitlements.status, 'active')))
    .for('update');
  if (!e) return;
  let seats: string[];
  if (e.requestId) seats = await endEntitlements(tx, [e.requestId], 'revoked');
  else {
    await tx
      .update(entitlements)
      .set({ status: 'revoked', endedAt: sql`now()` })
      .where(eq(entitlements.id, e.id));
    seats = e.holdsSeat ? [e.productId] : [];
  }
  const reason = `Uninstalled from ${hostname}`;
  await recordAudit(
    {
      actor: { kind: 'device', id: deviceId },
      action: 'entitlement.revoked',
      entityType: 'entitlement',
      entityId: e.id,
      after: { reason },
    },
    tx,
  );
  for (const productId of seats) await promoteWaiting(tx, productId);
}

export interface BrowserDownload {
  userId: string;
  deviceId: string;
  artifactId: string;
  /** Must be the entitlement's request; the entitlement's own value is what gets recorded. */
  requestId: string | null;
  /** The entitlement authorizeDownload allowed the download by; null when a role allowed it. */
  entitlementId: string | null;
  phase: Extract<InstallEventType, 'download_started' | 'download_completed'>;
  bytes: number;
}

/**
 * A browser download through the portal, recorded like the agent's; completing it fulfils the
 * request. Downloads never change what a device runs, so device_current_installs is left alone.
 */
export async function recordBrowserDownload(d: BrowserDownload): Promise<void> {
  const requestId = await getDb().transaction(async (tx) => {
    const [t] = await targets(tx, [d.artifactId]);
    if (!t) throw new Error(`Artifact ${d.artifactId} vanished during its download`);
    const e = d.entitlementId
      ? await tx.query.entitlements.findFirst({
          where: and(eq(entitlements.id, d.entitlementId), eq(entitlements.userId, d.userId), eq(entitlements.deviceId, d.deviceId)),
        })
      : undefined;
    if (d.entitlementId && !e) throw new Error(`Entitlement ${d.entitlementId} is not the downloader's`);
    const requestId = e?.requestId ?? null;
    const deploymentId = e?.deploymentId ?? null;
    const approverId = requestId ? ((await lastApprovers(tx, [requestId])).get(requestId) ?? null) : null;
    await tx.insert(installEvents).values({
      type: d.phase,
      deviceId: d.deviceId,
      userId: d.userId,
      productId: t.release.productId,
      releaseId: t.release.id,
      artifactId: t.artifact.id,
      sha256: t.artifact.sha256,
      requestId,
      deploymentId,
      approverId,
      bytes: d.bytes,
      occurredAt: new Date(),
    });
    return requestId;
  });
  if (requestId && d.phase === 'download_completed') await markFulfilled(requestId, { kind: 'user', id: d.userId });
}
