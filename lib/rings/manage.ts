import { and, desc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import {
  changeRecords,
  deploymentAssignments,
  deploymentPhases,
  deploymentRevisions,
  deployments,
  installEvents,
  releases,
  targets,
  type ChangeRecord,
  type Deployment,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { GATED_ENVIRONMENT } from '@/lib/changes/gate';
import { assertId, ConflictError, NotFoundError, retryOnContention, ValidationError } from '@/lib/errors';
import { promoteWaiting } from '@/lib/requests/fulfilment';
import { assertManager } from '@/lib/deployments/access';
import { assignDevices, revokeGranted } from '@/lib/deployments/assign';
import { evaluateDeploymentGates, startPhase, type GateRun } from './gates';

async function lock(tx: Tx, id: string): Promise<Deployment> {
  const [d] = await tx.select().from(deployments).where(eq(deployments.id, id)).for('update');
  if (!d) throw new NotFoundError('No such deployment.');
  return d;
}

const audit = (tx: Tx, actor: Actor, action: string, id: string, after: Record<string, unknown>) =>
  recordAudit({ actor: { kind: 'user', id: actor.id }, action, entityType: 'deployment', entityId: id, after }, tx);

/** Halt counting restarts now for every started phase: failures already judged do not halt it again. */
const restartCounting = (tx: Tx, id: string, now: Date) =>
  tx
    .update(deploymentPhases)
    .set({ countFrom: now })
    .where(and(eq(deploymentPhases.deploymentId, id), isNotNull(deploymentPhases.startedAt)));

/** A manager starts the next phase now, whatever its gate says (a manual phase, or overriding the wait). */
export async function startNextPhase(actor: Actor, id: string, position: number, now = new Date()): Promise<void> {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const d = await lock(tx, id);
      if (d.status !== 'active') throw new ConflictError(`Only an active deployment starts phases; this one is ${d.status}.`);
      const [latest] = await tx
        .select({ position: deploymentPhases.position })
        .from(deploymentPhases)
        .where(and(eq(deploymentPhases.deploymentId, id), isNotNull(deploymentPhases.startedAt)))
        .orderBy(desc(deploymentPhases.position))
        .limit(1);
      if ((latest?.position ?? 0) + 1 !== position) throw new ConflictError('Only the next phase can be started.', 'position');
      if (!(await startPhase(tx, id, position, now, { kind: 'user', id: actor.id })))
        throw new ConflictError('That phase has started already.', 'position');
    }),
  );
}

/** A manager has the gates judged now instead of at the scheduler's next tick (same rules). */
export async function checkGatesNow(actor: Actor, id: string, now = new Date()): Promise<GateRun> {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  const d = await getDb().query.deployments.findFirst({ where: eq(deployments.id, id) });
  if (!d) throw new NotFoundError('No such deployment.');
  if (d.status !== 'active') throw new ConflictError(`Only an active deployment has gates to check; this one is ${d.status}.`);
  return evaluateDeploymentGates(id, now);
}

/** halted → active. Counting restarts, so the failures that halted it do not halt it again at once. */
export async function resumeDeployment(actor: Actor, id: string, reason: string, now = new Date()): Promise<void> {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const d = await lock(tx, id);
      if (d.status !== 'halted') throw new ConflictError(`Only a halted deployment can be resumed; this one is ${d.status}.`);
      await tx.update(deployments).set({ status: 'active', updatedAt: now }).where(eq(deployments.id, id));
      await restartCounting(tx, id, now);
      await audit(tx, actor, 'deployment.resumed', id, { reason });
      await assignDevices(tx, id, { kind: 'user', id: actor.id });
    }),
  );
}

/**
 * Rolls forward to a fixed release: a later published release of the same product replaces the
 * bad one in the same deployment. The phase plan and what each phase has done stay (started
 * phases stay started, met gates stay met, devices that succeeded stay counted as done); every
 * assigned device is offered the fixed release, and halt counting restarts.
 */
export async function rollForward(actor: Actor, id: string, releaseId: string, reason: string, now = new Date()): Promise<void> {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  assertId(releaseId, 'No such release.', 'releaseId');
  await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const d = await lock(tx, id);
      if (d.status !== 'halted' && d.status !== 'active') throw new ConflictError(`This deployment is ${d.status}.`);
      const [bad] = await tx.select().from(releases).where(eq(releases.id, d.releaseId));
      const [fixed] = await tx.select().from(releases).where(eq(releases.id, releaseId));
      if (!fixed || fixed.productId !== d.productId) throw new ValidationError('Choose a release of the same product.', 'releaseId');
      if (fixed.status !== 'published')
        throw new ValidationError(`Release ${fixed.version} is ${fixed.status}; roll forward to a published release.`, 'releaseId');
      if (!bad?.publishedAt || !fixed.publishedAt || fixed.publishedAt <= bad.publishedAt)
        throw new ValidationError(`Roll forward to a release published after ${bad?.version ?? 'the current one'}.`, 'releaseId');
      const [after] = await tx
        .update(deployments)
        .set({ releaseId, status: 'active', version: d.version + 1, updatedAt: now })
        .where(eq(deployments.id, id))
        .returning();
      await tx.insert(deploymentRevisions).values({
        deploymentId: id,
        version: after!.version,
        snapshot: { releaseId, fromReleaseId: d.releaseId, status: 'active' },
        changedById: actor.id,
        reason: reason || `Rolled forward to ${fixed.version}`,
      });
      // The entitlements named the bad release: end them, and the sweep grants the fixed one.
      await tx
        .update(deploymentAssignments)
        .set({ entitlementId: null })
        .where(and(eq(deploymentAssignments.deploymentId, id), isNull(deploymentAssignments.endedAt)));
      const granted = await tx.execute<{ id: string }>(sql`select id from entitlements where deployment_id = ${id} and status = 'active'`);
      await revokeGranted(
        tx,
        id,
        granted.rows.map((r) => r.id),
      );
      await restartCounting(tx, id, now);
      await audit(tx, actor, 'deployment.rolled_forward', id, { from: bad?.version, to: fixed.version, reason, version: after!.version });
      await assignDevices(tx, id, { kind: 'user', id: actor.id });
    }),
  );
}

/**
 * The change a rollback is carried out under. A rollback to the release that was live before is the
 * approved change's remediation plan (ITIL: a change is approved together with how to back it
 * out), so it asks for no new approval and ignores the change's state and window; but it is work
 * done under that change, so it is recorded on it. A live deployment without any change has no
 * remediation plan to invoke: refused (a change must be raised for that rollback first).
 */
async function rollbackChange(tx: Tx, d: Deployment): Promise<ChangeRecord | null> {
  const ref = d.changeRef?.trim();
  const change = ref ? await tx.query.changeRecords.findFirst({ where: eq(changeRecords.reference, ref) }) : undefined;
  if (!change && d.environment === GATED_ENVIRONMENT)
    throw new ValidationError(
      `This live deployment was made under no change record${ref ? ` (no change ${ref})` : ''}, so no approved remediation covers a rollback. Raise a change first.`,
      'changeRef',
    );
  return change ?? null;
}

/**
 * Rolls back: a required deployment of the previous published release to exactly the devices that
 * installed the bad one (from the ledger), active at once; the bad deployment is cancelled, its
 * assignments ended. Runs under the bad deployment's change without a new approval, recorded on
 * that change (see rollbackChange). Returns the new deployment's id.
 */
export async function rollBack(actor: Actor, id: string, reason: string, now = new Date()): Promise<{ id: string }> {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const d = await lock(tx, id);
      if (d.status !== 'halted' && d.status !== 'active') throw new ConflictError(`This deployment is ${d.status}.`);
      const change = await rollbackChange(tx, d);
      const [bad] = await tx.select().from(releases).where(eq(releases.id, d.releaseId));
      const [previous] = await tx
        .select()
        .from(releases)
        .where(and(eq(releases.productId, d.productId), eq(releases.status, 'published'), lt(releases.publishedAt, bad!.publishedAt!)))
        .orderBy(desc(releases.publishedAt))
        .limit(1);
      if (!previous) throw new ConflictError(`No published release before ${bad!.version} to roll back to.`);
      const took = await tx
        .selectDistinct({ deviceId: installEvents.deviceId })
        .from(installEvents)
        .where(
          and(eq(installEvents.deploymentId, id), eq(installEvents.releaseId, d.releaseId), eq(installEvents.type, 'install_succeeded')),
        );
      const deviceIds = took.map((t) => t.deviceId);
      const [target] = await tx
        .insert(targets)
        .values({
          name: `Roll back ${d.name} (${bad!.version}) ${now.toISOString()}`,
          description: `The devices that installed ${bad!.version} in deployment ${d.name}.`,
          rules: { deviceIds },
          createdById: actor.id,
        })
        .returning();
      const [back] = await tx
        .insert(deployments)
        .values({
          name: `Roll back ${d.name} to ${previous.version}`,
          productId: d.productId,
          releaseId: previous.id,
          targetId: target!.id,
          environment: d.environment,
          intent: 'required',
          status: 'active',
          availableFrom: now,
          activatedAt: now,
          createdById: actor.id,
          changeRef: d.changeRef,
        })
        .returning();
      await tx.insert(deploymentRevisions).values({
        deploymentId: back!.id,
        version: 1,
        snapshot: { rollbackOf: id, releaseId: previous.id, deviceIds },
        changedById: actor.id,
        reason: reason || 'Roll back',
      });
      await tx
        .update(deployments)
        .set({
          status: 'cancelled',
          closedAt: now,
          closedReason: `Rolled back to ${previous.version}: ${reason || 'no reason given'}`,
          updatedAt: now,
        })
        .where(eq(deployments.id, id));
      const ended = await tx
        .update(deploymentAssignments)
        .set({ endedAt: now })
        .where(and(eq(deploymentAssignments.deploymentId, id), isNull(deploymentAssignments.endedAt)))
        .returning({ entitlementId: deploymentAssignments.entitlementId });
      const freed = await revokeGranted(
        tx,
        id,
        ended.flatMap((e) => (e.entitlementId ? [e.entitlementId] : [])),
      );
      await audit(tx, actor, 'deployment.rolled_back', id, {
        to: previous.version,
        rollbackDeploymentId: back!.id,
        devices: deviceIds.length,
        reason,
      });
      await audit(tx, actor, 'deployment.created', back!.id, { rollbackOf: id, releaseId: previous.id, devices: deviceIds.length });
      if (change)
        await recordAudit(
          {
            actor: { kind: 'user', id: actor.id },
            action: 'change.remediation_carried_out',
            entityType: 'change',
            entityId: change.id,
            after: {
              deploymentId: id,
              rollbackDeploymentId: back!.id,
              from: bad!.version,
              to: previous.version,
              devices: deviceIds.length,
              changeState: change.state,
              reason,
            },
          },
          tx,
        );
      await assignDevices(tx, back!.id, { kind: 'user', id: actor.id });
      if (freed) await promoteWaiting(tx, d.productId);
      return { id: back!.id };
    }),
  );
}
