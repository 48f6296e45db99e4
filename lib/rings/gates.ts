import { and, eq, isNull, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { deploymentPhases, deployments } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import { retryOnContention } from '@/lib/errors';
import { assignDevices } from '@/lib/deployments/assign';
import { countPhases, type PhaseCounts } from './counts';
import { haltForFailures } from './halt';

export interface GateRun {
  halted: string[];
  gatesMet: { deploymentId: string; position: number }[];
  started: { deploymentId: string; position: number }[];
}

/**
 * Starts phase `position` (conditional on it not having started) and assigns its devices in the
 * same transaction; their start times spread over the phase's throttle from `now`.
 */
export async function startPhase(tx: Tx, deploymentId: string, position: number, now: Date, actor: AuditActor): Promise<boolean> {
  const [p] = await tx
    .update(deploymentPhases)
    .set({ startedAt: now })
    .where(
      and(eq(deploymentPhases.deploymentId, deploymentId), eq(deploymentPhases.position, position), isNull(deploymentPhases.startedAt)),
    )
    .returning();
  if (!p) return false;
  await recordAudit(
    {
      actor,
      action: 'deployment.phase_started',
      entityType: 'deployment',
      entityId: deploymentId,
      after: { phase: position, name: p.name },
    },
    tx,
  );
  await assignDevices(tx, deploymentId, actor);
  return true;
}

/** Acts on one deployment's counted phases: halt first (a failing phase starts nothing), then gates. */
async function actOn(deploymentId: string, now: Date, run: GateRun): Promise<void> {
  await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      // Serialises evaluations of one deployment (tick, report, manager) without blocking readers.
      const [d] = await tx
        .select({ status: deployments.status })
        .from(deployments)
        .where(eq(deployments.id, deploymentId))
        .for('no key update');
      if (d?.status !== 'active') return;
      const phases = await countPhases(tx, now, sql`d.id = ${deploymentId}`);
      const failing = phases.find((c) => c.haltDue);
      if (failing) {
        if (await haltForFailures(tx, failing, now)) run.halted.push(deploymentId);
        return;
      }
      const latest = phases.find((c) => c.isLatestStarted);
      if (!latest) return;
      const [stored] = await tx.select().from(deploymentPhases).where(eq(deploymentPhases.id, latest.phaseId));
      let gateMetAt = stored!.gateMetAt;
      if (!gateMetAt && latest.gateMet) {
        gateMetAt = now;
        await tx
          .update(deploymentPhases)
          .set({ gateMetAt: now })
          .where(and(eq(deploymentPhases.id, latest.phaseId), isNull(deploymentPhases.gateMetAt)));
        await recordAudit(
          {
            actor: { kind: 'system' },
            action: 'deployment.phase_gate_met',
            entityType: 'deployment',
            entityId: deploymentId,
            after: { phase: latest.position, devices: latest.devices, succeeded: latest.succeeded },
          },
          tx,
        );
        run.gatesMet.push({ deploymentId, position: latest.position });
      }
      if (!gateMetAt) return;
      const next = await tx.query.deploymentPhases.findFirst({
        where: and(eq(deploymentPhases.deploymentId, deploymentId), eq(deploymentPhases.position, latest.position + 1)),
      });
      if (!next || next.startedAt || next.startMode !== 'auto') return;
      if (gateMetAt.getTime() + next.waitMinutes * 60_000 > now.getTime()) return;
      if (await startPhase(tx, deploymentId, next.position, now, { kind: 'system' }))
        run.started.push({ deploymentId, position: next.position });
    }),
  );
}

/** Whether the set-based count says this deployment needs a write at all (most ticks change nothing). */
function needsAction(c: PhaseCounts[]): boolean {
  return c.some((p) => p.haltDue || (p.isLatestStarted && p.gateMet) || p.nextDue);
}

/**
 * The gate clock, called from the deployment scheduler's tick with its `now` (tests drive time):
 * one statement counts every started phase of every active phased deployment; only deployments
 * with something to do (a halt, a gate just met, a next phase due) are then locked and acted on.
 */
export async function evaluateGates(now: Date = new Date()): Promise<GateRun> {
  const run: GateRun = { halted: [], gatesMet: [], started: [] };
  const all = await countPhases(getDb(), now);
  const byDeployment = new Map<string, PhaseCounts[]>();
  for (const c of all) byDeployment.set(c.deploymentId, [...(byDeployment.get(c.deploymentId) ?? []), c]);
  for (const [id, phases] of byDeployment) {
    // A met gate whose next phase is already running, or that has no next phase, needs nothing.
    const latest = phases.find((p) => p.isLatestStarted);
    const idle = !phases.some((p) => p.haltDue) && !latest?.nextDue && latest?.gateMet && (await gateRecorded(latest));
    if (needsAction(phases) && !idle) await actOn(id, now, run);
  }
  return run;
}

async function gateRecorded(c: PhaseCounts): Promise<boolean> {
  const [p] = await getDb()
    .select({ gateMetAt: deploymentPhases.gateMetAt })
    .from(deploymentPhases)
    .where(eq(deploymentPhases.id, c.phaseId));
  return p?.gateMetAt != null;
}

/**
 * The halt check after failure reports arrive (lib/installs/record.ts calls it after commit), so a
 * failure storm halts the deployment at once rather than at the next tick. Cheap: it counts only
 * the phases of the deployments named, through the same statement as the tick.
 */
export async function evaluateAfterReports(deploymentIds: string[], now: Date = new Date()): Promise<string[]> {
  const run: GateRun = { halted: [], gatesMet: [], started: [] };
  for (const id of new Set(deploymentIds)) {
    const phases = await countPhases(getDb(), now, sql`d.id = ${id}`);
    if (phases.some((p) => p.haltDue)) await actOn(id, now, run);
  }
  return run.halted;
}

/**
 * One deployment's gates judged now, as the tick would: a manager who sees the reports in need
 * not wait up to five minutes for the scheduler (the rules are the tick's; nothing is overridden).
 */
export async function evaluateDeploymentGates(deploymentId: string, now: Date = new Date()): Promise<GateRun> {
  const run: GateRun = { halted: [], gatesMet: [], started: [] };
  const phases = await countPhases(getDb(), now, sql`d.id = ${deploymentId}`);
  if (needsAction(phases)) await actOn(deploymentId, now, run);
  return run;
}

/** Whether a phased deployment still has phases to start (it does not complete before they ran). */
export async function hasUnstartedPhases(tx: Tx, deploymentId: string): Promise<boolean> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(deploymentPhases)
    .where(and(eq(deploymentPhases.deploymentId, deploymentId), isNull(deploymentPhases.startedAt)));
  return Number(row?.n ?? 0) > 0;
}
