import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { deploymentAssignments, deploymentRevisions, deployments, environments, releases, targets, type Deployment } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { asInputError, assertId, ConflictError, NotFoundError, retryOnContention, ValidationError } from '@/lib/errors';
import { promoteWaiting } from '@/lib/requests/fulfilment';
import { assertManager } from './access';
import { askApprovers } from './approval';
import { assignDevices, revokeGranted } from './assign';
import { cutoverSwitchJob } from './cutover-switch';
import { assertChangeGate } from '@/lib/changes/gate';
import { assertPromotionGate } from './environments';
import type { ChangeMeta, DeploymentInput } from './schema';
import { activateIfDue } from './lifecycle';
import { activateDeploymentJob } from './jobs';
import { enqueue } from '@/lib/jobs/enqueue';
import { savePhasePlan } from '@/lib/rings/phases';

/** What a revision stores: the plan as saved, so every version can be shown and compared. */
const snapshotOf = (d: Deployment) => ({
  name: d.name,
  releaseId: d.releaseId,
  targetId: d.targetId,
  environment: d.environment,
  intent: d.intent,
  availableFrom: d.availableFrom,
  deadline: d.deadline,
  windowStartMinute: d.windowStartMinute,
  windowEndMinute: d.windowEndMinute,
  windowTimeZone: d.windowTimeZone,
  cutoverAt: d.cutoverAt,
  changeRef: d.changeRef,
  haltFailurePercent: d.haltFailurePercent,
  haltMinReports: d.haltMinReports,
  status: d.status,
});

const columnsOf = (input: DeploymentInput) => ({
  name: input.name,
  releaseId: input.releaseId,
  targetId: input.targetId,
  environment: input.environment,
  intent: input.intent,
  availableFrom: input.availableFrom,
  deadline: input.deadline ?? null,
  windowStartMinute: input.windowStartMinute ?? null,
  windowEndMinute: input.windowEndMinute ?? null,
  windowTimeZone: input.windowTimeZone,
  cutoverAt: input.cutoverAt ?? null,
  changeRef: input.changeRef ?? null,
  haltFailurePercent: input.haltFailurePercent,
  haltMinReports: input.haltMinReports,
});

/** The release, target and environment named must exist and be usable; returns the product. */
async function checkPlan(tx: Tx, input: DeploymentInput): Promise<{ productId: string }> {
  const release = await tx.query.releases.findFirst({ where: eq(releases.id, input.releaseId) });
  if (!release) throw new ValidationError('No such release.', 'releaseId');
  if (release.status !== 'published')
    throw new ValidationError(`Release ${release.version} is ${release.status}; deploy a published release.`, 'releaseId');
  const target = await tx.query.targets.findFirst({ where: eq(targets.id, input.targetId) });
  if (!target) throw new ValidationError('No such target.', 'targetId');
  if (target.archived) throw new ValidationError('This target is archived.', 'targetId');
  const env = await tx.query.environments.findFirst({ where: eq(environments.key, input.environment) });
  if (!env) throw new ValidationError('No such environment.', 'environment');
  return { productId: release.productId };
}

async function writeRevision(tx: Tx, d: Deployment, actor: Actor, reason: string) {
  await tx
    .insert(deploymentRevisions)
    .values({ deploymentId: d.id, version: d.version, snapshot: snapshotOf(d), changedById: actor.id, reason });
}

/** A new deployment, as a draft (version 1). */
export async function createDeployment(actor: Actor, input: DeploymentInput): Promise<{ id: string }> {
  return getDb()
    .transaction((tx) => insertDeployment(tx, actor, input))
    .catch((e: unknown) => {
      throw asInputError(e);
    });
}

/** createDeployment inside the caller's transaction, for a deployment that belongs with other writes. */
export async function insertDeployment(tx: Tx, actor: Actor, input: DeploymentInput): Promise<{ id: string }> {
  assertManager(actor);
  const { productId } = await checkPlan(tx, input);
  const [row] = await tx
    .insert(deployments)
    .values({ ...columnsOf(input), productId, createdById: actor.id })
    .returning();
  await savePhasePlan(tx, row!.id, input.phases);
  await writeRevision(tx, row!, actor, 'Created');
  await recordAudit(
    {
      actor: { kind: 'user', id: actor.id },
      action: 'deployment.created',
      entityType: 'deployment',
      entityId: row!.id,
      after: { ...snapshotOf(row!), phases: input.phases },
    },
    tx,
  );
  return { id: row!.id };
}

/** Reads and locks a deployment, refusing a stale version (someone saved since the editor loaded it). */
async function lockCurrent(tx: Tx, id: string, expectedVersion: number): Promise<Deployment> {
  const [d] = await tx.select().from(deployments).where(eq(deployments.id, id)).for('update');
  if (!d) throw new NotFoundError('No such deployment.');
  if (d.version !== expectedVersion)
    throw new ConflictError(`Someone changed this deployment since you opened it (now version ${d.version}). Reload and try again.`);
  return d;
}

/** Where a deployment waits once planned: for its environment's approval, or for its start. */
async function plannedStatus(tx: Tx, d: Pick<Deployment, 'environment'>): Promise<'pending_approval' | 'scheduled'> {
  const env = await tx.query.environments.findFirst({ where: eq(environments.key, d.environment) });
  return env?.approvalGroupId ? 'pending_approval' : 'scheduled';
}

/**
 * Saves a new version. Every save bumps the version and writes a revision; a scheduled or active
 * deployment needs a reason. A deployment waiting for (or holding) an approval goes back to
 * pending_approval, since approvals are per version. An active deployment keeps its release,
 * target, environment and intent (who gets what); and in an environment that needs approval it
 * cannot change at all — cancel it and plan a new one, which is approved afresh.
 */
export async function updateDeployment(actor: Actor, id: string, input: DeploymentInput, meta: ChangeMeta): Promise<{ version: number }> {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  const saved = await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const before = await lockCurrent(tx, id, meta.expectedVersion);
      if (before.status === 'completed' || before.status === 'cancelled') throw new ConflictError(`This deployment is ${before.status}.`);
      const live = before.status === 'scheduled' || before.status === 'active' || before.status === 'halted';
      if (live && !meta.reason) throw new ValidationError(`Say why you change a ${before.status} deployment.`, 'reason');
      const { productId } = await checkPlan(tx, input);
      let status = before.status;
      if (before.status === 'active' || before.status === 'halted') {
        const moved = (['releaseId', 'targetId', 'environment', 'intent'] as const).filter((k) => input[k] !== before[k]);
        if (moved.length)
          throw new ConflictError(`An active deployment keeps its ${moved.join(', ')}; cancel it and plan a new one.`, moved[0]);
        if ((await plannedStatus(tx, before)) === 'pending_approval')
          throw new ConflictError(
            'An active deployment into an environment that needs approval cannot be changed; cancel it and plan a new one.',
          );
      } else if (before.status !== 'draft') {
        await assertPromotionGate(tx, { productId, releaseId: input.releaseId, environment: input.environment });
        status = await plannedStatus(tx, input);
      }
      // Planned or running in live: an approved change must still cover it as edited.
      if (status !== 'draft') await assertChangeGate(tx, input);
      const [after] = await tx
        .update(deployments)
        .set({ ...columnsOf(input), productId, status, version: before.version + 1, updatedAt: new Date() })
        .where(and(eq(deployments.id, id), eq(deployments.version, before.version)))
        .returning();
      await savePhasePlan(tx, id, input.phases);
      await writeRevision(tx, after!, actor, meta.reason || 'Edited');
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: 'deployment.updated',
          entityType: 'deployment',
          entityId: id,
          before: { version: before.version, ...snapshotOf(before) },
          after: { version: after!.version, reason: meta.reason, ...snapshotOf(after!), phases: input.phases },
        },
        tx,
      );
      if (status === 'pending_approval') await askApprovers(tx, after!);
      // A running big bang whose cut-over moved: the switch moves with it (runs now if it is due).
      if (status === 'active' && after!.cutoverAt?.getTime() !== before.cutoverAt?.getTime()) {
        if (after!.cutoverAt && after!.cutoverAt > new Date())
          await enqueue(tx, cutoverSwitchJob, { deploymentId: id }, { startAfter: after!.cutoverAt });
        else await assignDevices(tx, id, { kind: 'user', id: actor.id });
      }
      // A scheduled deployment whose start moved later gets its activation at the new moment.
      if (status === 'scheduled' && after!.availableFrom > new Date())
        await enqueue(tx, activateDeploymentJob, { deploymentId: id }, { startAfter: after!.availableFrom });
      return { version: after!.version, status };
    }),
  ).catch((e: unknown) => {
    throw asInputError(e);
  });
  // …and one whose start moved to the past starts now.
  if (saved.status === 'scheduled') await activateIfDue(id);
  return { version: saved.version };
}

/**
 * draft → scheduled, or → pending_approval when its environment has an approval group. The
 * promotion gate is checked here (and again when the last approval arrives).
 */
export async function scheduleDeployment(actor: Actor, id: string, expectedVersion: number): Promise<{ status: string }> {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  const result = await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const d = await lockCurrent(tx, id, expectedVersion);
      if (d.status !== 'draft') throw new ConflictError(`Only a draft can be scheduled; this deployment is ${d.status.replace('_', ' ')}.`);
      const release = await tx.query.releases.findFirst({ where: eq(releases.id, d.releaseId) });
      if (release?.status !== 'published') throw new ConflictError('The release is no longer published.', 'releaseId');
      await assertPromotionGate(tx, d);
      await assertChangeGate(tx, d);
      const status = await plannedStatus(tx, d);
      await tx
        .update(deployments)
        .set({ status, updatedAt: new Date() })
        .where(and(eq(deployments.id, id), eq(deployments.status, 'draft')));
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: `deployment.${status}`,
          entityType: 'deployment',
          entityId: id,
          after: { status, version: d.version },
        },
        tx,
      );
      if (status === 'pending_approval') await askApprovers(tx, d);
      else if (d.availableFrom > new Date())
        await enqueue(tx, activateDeploymentJob, { deploymentId: id }, { startAfter: d.availableFrom });
      return { status };
    }),
  );
  if (result.status === 'scheduled') await activateIfDue(id);
  return result;
}

/**
 * Cancels a deployment that has not completed. Its assignments end and the entitlements it
 * granted are revoked, freeing their seats for whoever waits longest.
 */
export async function cancelDeployment(actor: Actor, id: string, reason: string): Promise<void> {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  if (!reason.trim()) throw new ValidationError('Say why you cancel it.', 'reason');
  await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [d] = await tx
        .update(deployments)
        .set({ status: 'cancelled', closedReason: reason, closedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(deployments.id, id), inArray(deployments.status, ['draft', 'pending_approval', 'scheduled', 'active', 'halted'])))
        .returning();
      if (!d) {
        const exists = await tx.query.deployments.findFirst({ where: eq(deployments.id, id) });
        if (!exists) throw new NotFoundError('No such deployment.');
        throw new ConflictError(`This deployment is already ${exists.status}.`);
      }
      const ended = await tx
        .update(deploymentAssignments)
        .set({ endedAt: sql`now()` })
        .where(and(eq(deploymentAssignments.deploymentId, id), isNull(deploymentAssignments.endedAt)))
        .returning({ entitlementId: deploymentAssignments.entitlementId });
      const freed = await revokeGranted(
        tx,
        id,
        ended.flatMap((e) => (e.entitlementId ? [e.entitlementId] : [])),
      );
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: 'deployment.cancelled',
          entityType: 'deployment',
          entityId: id,
          after: { reason, endedAssignments: ended.length },
        },
        tx,
      );
      if (freed) await promoteWaiting(tx, d.productId);
    }),
  );
}
