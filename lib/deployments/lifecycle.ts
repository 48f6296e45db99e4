import { and, asc, eq, lte } from 'drizzle-orm';
import { getDb } from '@/db';
import { deployments } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { retryOnContention } from '@/lib/errors';
import { enqueue } from '@/lib/jobs/enqueue';
import { assignDevices } from './assign';
import { cutoverSwitchJob } from './cutover-switch';
import { deploymentSuccess } from './environments';
import { evaluateGates, hasUnstartedPhases } from '@/lib/rings/gates';
import { startFirstPhase } from '@/lib/rings/phases';

/** How long after its deadline a deployment stays active for late reports before it completes. */
export const COMPLETION_GRACE_MS = 24 * 60 * 60 * 1000;

export interface ScheduleRun {
  activated: string[];
  completed: string[];
  swept: number;
  /** Phased deployments (lib/rings): halted, gates met and phases started in this tick. */
  halted: string[];
  phasesStarted: { deploymentId: string; position: number }[];
}

/**
 * The deployment clock, for a scheduler to call (any number of app instances, any number of
 * times): scheduled → active once `availableFrom` has come, assigning its devices in the same
 * transaction; every active deployment is swept (devices that joined its target are assigned,
 * leavers lose their assignment, waiting devices get freed seats); active → completed once
 * every assigned device succeeded, or the deadline plus the grace period passed. Each change
 * is a conditional update and each sweep locks its deployment, so two runs at once, or the same
 * run twice, change nothing twice.
 */
export async function runDeploymentSchedule(now: Date = new Date(), graceMs = COMPLETION_GRACE_MS): Promise<ScheduleRun> {
  const db = getDb();
  const run: ScheduleRun = { activated: [], completed: [], swept: 0, halted: [], phasesStarted: [] };
  const due = await db
    .select({ id: deployments.id })
    .from(deployments)
    .where(and(eq(deployments.status, 'scheduled'), lte(deployments.availableFrom, now)))
    .orderBy(asc(deployments.availableFrom));
  for (const { id } of due) if (await activate(id, now)) run.activated.push(id);

  // Phase gates before the sweep: a halt stops new assignments, a started phase gets its devices.
  const gates = await evaluateGates(now);
  run.halted = gates.halted;
  run.phasesStarted = gates.started;

  const active = await db.select({ id: deployments.id }).from(deployments).where(eq(deployments.status, 'active'));
  for (const { id } of active) {
    await sweep(id);
    run.swept++;
    if (await completeIfDone(id, now, graceMs)) run.completed.push(id);
  }
  return run;
}

/**
 * Activates one scheduled deployment at once if its start has come (scheduled with a start in the
 * past, or approved after its start): its devices get it at their next check-in rather than at the
 * scheduler's next run. Conditional like every activation, so a runner doing the same is harmless.
 */
export async function activateIfDue(id: string, now: Date = new Date()): Promise<boolean> {
  return activate(id, now);
}

async function activate(id: string, now: Date): Promise<boolean> {
  const done = await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [d] = await tx
        .update(deployments)
        .set({ status: 'active', activatedAt: now, updatedAt: now })
        .where(and(eq(deployments.id, id), eq(deployments.status, 'scheduled'), lte(deployments.availableFrom, now)))
        .returning({ id: deployments.id, version: deployments.version, cutoverAt: deployments.cutoverAt });
      if (!d) return false; // another runner got there first, or it was cancelled meanwhile
      await recordAudit(
        {
          actor: { kind: 'system' },
          action: 'deployment.activated',
          entityType: 'deployment',
          entityId: id,
          after: { version: d.version },
        },
        tx,
      );
      await startFirstPhase(tx, id, now);
      await assignDevices(tx, id);
      // Devices keep what they hold until a big bang's cut-over; the switch is queued for then.
      if (d.cutoverAt && d.cutoverAt > now) await enqueue(tx, cutoverSwitchJob, { deploymentId: id }, { startAfter: d.cutoverAt });
      return true;
    }),
  );
  return done;
}

async function sweep(id: string): Promise<void> {
  await retryOnContention(() => getDb().transaction((tx) => assignDevices(tx, id)));
}

async function completeIfDone(id: string, now: Date, graceMs: number): Promise<boolean> {
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [d] = await tx.select().from(deployments).where(eq(deployments.id, id)).for('no key update');
      if (d?.status !== 'active') return false;
      const s = await deploymentSuccess(tx, id);
      // A phased deployment is not done while phases wait for their gate.
      const allSucceeded = s.assigned > 0 && s.succeeded === s.assigned && !(await hasUnstartedPhases(tx, id));
      const pastDeadline = d.deadline !== null && d.deadline.getTime() + graceMs <= now.getTime();
      if (!allSucceeded && !pastDeadline) return false;
      const closedReason = allSucceeded ? 'Every assigned device succeeded.' : 'The deadline passed.';
      await tx
        .update(deployments)
        .set({ status: 'completed', closedAt: now, closedReason, updatedAt: now })
        .where(and(eq(deployments.id, id), eq(deployments.status, 'active')));
      await recordAudit(
        {
          actor: { kind: 'system' },
          action: 'deployment.completed',
          entityType: 'deployment',
          entityId: id,
          after: { ...s, closedReason },
        },
        tx,
      );
      return true;
    }),
  );
}
