import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { approvals, deviceCurrentInstalls, devices, entitlements, installEvents, releases, serviceRequests } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { hasRole, type Actor } from '@/lib/auth/roles';
import { ConflictError, NotFoundError, retryOnContention } from '@/lib/errors';
import { foldIntoAdoptionDays } from './adoption-days';
import { refreshCurrentInstalls } from './current-table';

export interface ConfirmedInstall {
  /** False when this install was already recorded (a second click, or an agent's report first). */
  recorded: boolean;
  version: string;
}

/**
 * "I installed it": the owner (or the service desk for them) says the file they downloaded in the
 * browser is installed on the request's device. It goes into the ledger as install_succeeded of
 * the downloaded artifact, marked user_reported (no agent checked it), and the device's current
 * installs follow in the same transaction. Only for a fulfilled request whose entitlement is still
 * active and whose release is not withdrawn. The idempotency key (one per request and release)
 * makes a second confirmation, even a concurrent one, a no-op.
 */
export async function confirmInstalled(actor: Actor, requestId: string, at: Date = new Date()): Promise<ConfirmedInstall> {
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const request = await tx.query.serviceRequests.findFirst({ where: eq(serviceRequests.id, requestId) });
      if (!request) throw new NotFoundError('No such request.');
      const desk = hasRole(actor, 'service_desk');
      if (request.requesterId !== actor.id && !desk) throw new NotFoundError('No such request.');
      if (request.status !== 'fulfilled')
        throw new ConflictError('Only a fulfilled request (downloaded) can be confirmed as installed.', 'requestId');
      const [entitlement] = await tx
        .select({ id: entitlements.id, status: entitlements.status })
        .from(entitlements)
        .where(eq(entitlements.requestId, request.id))
        .orderBy(desc(entitlements.createdAt))
        .limit(1);
      if (entitlement?.status !== 'active')
        throw new ConflictError('The entitlement of this request has ended, so no install can be confirmed for it.', 'requestId');
      const [device] = await tx
        .select({ status: devices.status, ownerId: devices.ownerId })
        .from(devices)
        .where(eq(devices.id, request.deviceId))
        .for('share');
      if (!device || device.ownerId !== request.requesterId || device.status === 'retired' || device.status === 'revoked')
        throw new ConflictError('This device is no longer in use by the requester.', 'requestId');
      // What was installed is what was downloaded for this request: its last completed download.
      const [download] = await tx
        .select({ event: installEvents, releaseStatus: releases.status, version: releases.version })
        .from(installEvents)
        .innerJoin(releases, eq(releases.id, installEvents.releaseId))
        .where(
          and(
            eq(installEvents.requestId, request.id),
            eq(installEvents.deviceId, request.deviceId),
            eq(installEvents.type, 'download_completed'),
          ),
        )
        .orderBy(desc(installEvents.occurredAt), desc(installEvents.id))
        .limit(1);
      if (!download) throw new ConflictError('Download the file first; then confirm that it is installed.', 'requestId');
      if (download.releaseStatus === 'withdrawn')
        throw new ConflictError(`Version ${download.version} was withdrawn; it cannot be confirmed as installed.`, 'requestId');
      const e = download.event;
      const [current] = await tx
        .select({ releaseId: deviceCurrentInstalls.releaseId })
        .from(deviceCurrentInstalls)
        .where(and(eq(deviceCurrentInstalls.deviceId, e.deviceId), eq(deviceCurrentInstalls.productId, e.productId)));
      if (current?.releaseId === e.releaseId) return { recorded: false, version: download.version }; // an agent (or they) said so already
      const [approver] = await tx
        .select({ id: approvals.approverId })
        .from(approvals)
        .where(and(eq(approvals.requestId, request.id), eq(approvals.decision, 'approved')))
        .orderBy(desc(approvals.decidedAt))
        .limit(1);
      const inserted = await tx
        .insert(installEvents)
        .values({
          type: 'install_succeeded',
          deviceId: e.deviceId,
          userId: request.requesterId,
          productId: e.productId,
          releaseId: e.releaseId,
          artifactId: e.artifactId,
          sha256: e.sha256,
          requestId: request.id,
          deploymentId: null,
          approverId: approver?.id ?? null,
          userReported: true,
          idempotencyKey: `user-reported:${request.id}:${e.releaseId}`,
          occurredAt: at,
        })
        .onConflictDoNothing({ target: [installEvents.deviceId, installEvents.idempotencyKey] })
        .returning({ id: installEvents.id });
      if (inserted.length === 0) return { recorded: false, version: download.version };
      await refreshCurrentInstalls(tx, e.deviceId, [e.productId]);
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: 'install.user_reported',
          entityType: 'service_request',
          entityId: request.id,
          after: { deviceId: e.deviceId, releaseId: e.releaseId, onBehalfOfOwner: request.requesterId !== actor.id },
        },
        tx,
      );
      await foldIntoAdoptionDays(tx, e.deviceId, [inserted[0]!.id]);
      return { recorded: true, version: download.version };
    }),
  );
}

export interface RequestInstallState {
  /** What the request's device runs of this product now, per the ledger, and whether an agent verified it. */
  installed: { version: string; since: Date; userReported: boolean } | null;
  /** Whether "I installed it" is offered: downloaded for this request and not yet current on the device. */
  canConfirm: boolean;
}

/** For the request page: the install the ledger knows of on the request's device, and whether to offer confirming it. */
export async function requestInstallState(actor: Actor, requestId: string): Promise<RequestInstallState> {
  const db = getDb();
  const request = await db.query.serviceRequests.findFirst({ where: eq(serviceRequests.id, requestId) });
  if (!request || (request.requesterId !== actor.id && !hasRole(actor, 'service_desk'))) throw new NotFoundError('No such request.');
  const [[current], [download]] = await Promise.all([
    db
      .select({ version: releases.version, since: deviceCurrentInstalls.since, userReported: deviceCurrentInstalls.userReported })
      .from(deviceCurrentInstalls)
      .innerJoin(releases, eq(releases.id, deviceCurrentInstalls.releaseId))
      .where(and(eq(deviceCurrentInstalls.deviceId, request.deviceId), eq(deviceCurrentInstalls.productId, request.productId))),
    db
      .select({ releaseId: installEvents.releaseId, status: releases.status })
      .from(installEvents)
      .innerJoin(releases, eq(releases.id, installEvents.releaseId))
      .where(and(eq(installEvents.requestId, request.id), eq(installEvents.type, 'download_completed')))
      .orderBy(desc(installEvents.occurredAt), desc(installEvents.id))
      .limit(1),
  ]);
  const [grant] = await db
    .select({ status: entitlements.status })
    .from(entitlements)
    .where(eq(entitlements.requestId, request.id))
    .orderBy(desc(entitlements.createdAt))
    .limit(1);
  const canConfirm =
    request.status === 'fulfilled' && grant?.status === 'active' && download !== undefined && download.status !== 'withdrawn' && !current;
  return { installed: current ?? null, canConfirm };
}
