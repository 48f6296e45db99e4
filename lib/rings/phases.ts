import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db';
import { deploymentPhases, devices, targets, type DeploymentPhase, type PhasePlan } from '@/db/schema';
import { ConflictError, ValidationError } from '@/lib/errors';
import { targetCondition } from '@/lib/deployments/rules-sql';
import { bucketSql } from './buckets';
import type { PhaseInput } from './schema';

export function phasesOf(tx: DbOrTx, deploymentId: string): Promise<DeploymentPhase[]> {
  return tx.select().from(deploymentPhases).where(eq(deploymentPhases.deploymentId, deploymentId)).orderBy(asc(deploymentPhases.position));
}

/**
 * SQL over `devices`: the position of the phase that takes each device (null: none does). A
 * device belongs to the first phase, in order, whose target holds it or whose cumulative
 * percentage covers its bucket — so raising a percentage only adds devices to that phase, and
 * re-reading the plan never moves a device.
 */
export async function phaseOfDeviceSql(tx: DbOrTx, deploymentId: string, phases: DeploymentPhase[]): Promise<SQL> {
  const targetIds = phases.flatMap((p) => (p.targetId ? [p.targetId] : []));
  const rules = new Map(
    targetIds.length ? (await tx.select().from(targets).where(inArray(targets.id, targetIds))).map((t) => [t.id, t.rules]) : [],
  );
  const bucket = bucketSql(sql`${devices.id}`, sql`${deploymentId}::uuid`);
  const whens = phases.map((p) => {
    const takes = p.targetId ? targetCondition(rules.get(p.targetId) ?? {}) : sql`${bucket} < ${p.percent! * 100}`;
    return sql`when ${takes} then ${p.position}::int`;
  });
  return sql`(case ${sql.join(whens, sql` `)} else null end)`;
}

/** When a device of each started phase may begin: spread over the phase's throttle by its bucket. */
export function startAfterSql(deploymentId: string, phases: DeploymentPhase[], phaseOf: SQL): SQL {
  const bucket = bucketSql(sql`${devices.id}`, sql`${deploymentId}::uuid`);
  const whens = phases
    .filter((p) => p.startedAt && p.throttleMinutes > 0)
    .map(
      (p) =>
        sql`when ${p.position}::int then ${p.startedAt!.toISOString()}::timestamptz + (${bucket} * ${p.throttleMinutes}::int / 10000.0) * interval '1 minute'`,
    );
  if (whens.length === 0) return sql`null::timestamptz`;
  return sql`(case ${phaseOf} ${sql.join(whens, sql` `)} else null end)`;
}

const rowOf = (deploymentId: string, p: PhaseInput | PhasePlan, position: number) => ({
  deploymentId,
  position,
  name: p.name,
  targetId: p.targetId ?? null,
  percent: p.percent ?? null,
  gatePercent: p.gatePercent ?? null,
  gateCount: p.gateCount ?? null,
  waitMinutes: p.waitMinutes,
  throttleMinutes: p.throttleMinutes,
  startMode: p.startMode,
});

/** As stored plans (ring templates) and revisions keep them. */
export const planOf = (p: DeploymentPhase): PhasePlan => ({
  name: p.name,
  targetId: p.targetId,
  percent: p.percent,
  gatePercent: p.gatePercent,
  gateCount: p.gateCount,
  waitMinutes: p.waitMinutes,
  throttleMinutes: p.throttleMinutes,
  startMode: p.startMode as PhasePlan['startMode'],
});

async function checkTargets(tx: DbOrTx, plan: (PhaseInput | PhasePlan)[]) {
  const ids = [...new Set(plan.flatMap((p) => (p.targetId ? [p.targetId] : [])))];
  if (!ids.length) return;
  const found = await tx.select({ id: targets.id, archived: targets.archived }).from(targets).where(inArray(targets.id, ids));
  plan.forEach((p, i) => {
    const t = p.targetId && found.find((f) => f.id === p.targetId);
    if (p.targetId && !t) throw new ValidationError('No such target.', `phases.${i}.targetId`);
    if (t && t.archived) throw new ValidationError('This target is archived.', `phases.${i}.targetId`);
  });
}

/**
 * Saves a deployment's phase plan. Phases that have started keep their place and who they took:
 * the same target, a percentage that may only rise (it adds devices; lowering it would move
 * devices already started). Their gate, wait and spread may change; unstarted phases are replaced.
 */
export async function savePhasePlan(tx: Tx, deploymentId: string, plan: (PhaseInput | PhasePlan)[]): Promise<void> {
  await checkTargets(tx, plan);
  const before = await phasesOf(tx, deploymentId);
  const started = before.filter((p) => p.startedAt);
  for (const old of started) {
    const i = old.position - 1;
    const next = plan[i];
    if (!next) throw new ConflictError(`Phase ${old.position} (${old.name}) has started and stays in the plan.`, `phases.${i}.name`);
    if ((next.targetId ?? null) !== old.targetId || (old.percent !== null && (next.percent ?? 0) < old.percent))
      throw new ConflictError(
        `Phase ${old.position} has started: it keeps its target, and its percentage can only rise.`,
        `phases.${i}.${old.targetId ? 'targetId' : 'percent'}`,
      );
    const { deploymentId: _d, position: _p, ...rest } = rowOf(deploymentId, next, old.position);
    await tx.update(deploymentPhases).set(rest).where(eq(deploymentPhases.id, old.id));
  }
  await tx.delete(deploymentPhases).where(and(eq(deploymentPhases.deploymentId, deploymentId), isNull(deploymentPhases.startedAt)));
  const fresh = plan.slice(started.length).map((p, i) => rowOf(deploymentId, p, started.length + i + 1));
  if (fresh.length) await tx.insert(deploymentPhases).values(fresh);
}

/** Starts phase 1 of a phased deployment as it activates (no-op for unphased or already started). */
export async function startFirstPhase(tx: Tx, deploymentId: string, now: Date): Promise<void> {
  await tx
    .update(deploymentPhases)
    .set({ startedAt: now })
    .where(and(eq(deploymentPhases.deploymentId, deploymentId), eq(deploymentPhases.position, 1), isNull(deploymentPhases.startedAt)));
}
