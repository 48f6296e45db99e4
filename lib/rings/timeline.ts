import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { deployments, releases, type HaltEvidence } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { assertId, NotFoundError } from '@/lib/errors';
import { assertManager } from '@/lib/deployments/access';
import { phasesOf } from './phases';

export interface PhaseView {
  position: number;
  name: string;
  selection: string;
  gate: string;
  waitMinutes: number;
  throttleMinutes: number;
  startMode: string;
  plannedStart: Date | null;
  startedAt: Date | null;
  gateMetAt: Date | null;
  haltedAt: Date | null;
  haltEvidence: HaltEvidence | null;
  devices: number;
  succeeded: number;
  failed: number;
  pending: number;
}

export interface ChartPoint {
  at: Date;
  succeeded: number;
  failed: number;
  pending: number;
}

export interface PhaseTimeline {
  phases: PhaseView[];
  chart: ChartPoint[];
  /** Later published releases of the product: where a roll forward may go. */
  fixedReleases: { id: string; version: string }[];
  nextPhase: number | null;
}

const CHART_POINTS = 12;

/** The deployment page's phases: planned and actual starts, gates, halts, counts, and a chart over time. */
export async function getPhaseTimeline(actor: Actor, deploymentId: string, now = new Date()): Promise<PhaseTimeline | null> {
  assertManager(actor);
  assertId(deploymentId, 'No such deployment.');
  const db = getDb();
  const d = await db.query.deployments.findFirst({ where: eq(deployments.id, deploymentId) });
  if (!d) throw new NotFoundError('No such deployment.');
  const phases = await phasesOf(db, deploymentId);
  if (!phases.length) return null;
  const names = await db.execute<{ id: string; name: string }>(
    sql`select id, name from targets where id in (select target_id from deployment_phases where deployment_id = ${deploymentId})`,
  );
  const counts = await db.execute<{ phase: number; devices: number; succeeded: number; failed: number }>(sql`
    select a.phase_position as phase, count(*)::int as devices,
      count(*) filter (where last.type = 'install_succeeded')::int as succeeded,
      count(*) filter (where last.type = 'install_failed')::int as failed
    from deployment_assignments a
    left join lateral (
      select e.type from install_events e
      where e.deployment_id = a.deployment_id and e.device_id = a.device_id
        and e.type in ('install_succeeded', 'install_failed', 'uninstalled')
      order by e.occurred_at desc, e.id desc limit 1
    ) last on true
    where a.deployment_id = ${deploymentId} and a.ended_at is null
    group by a.phase_position`);
  const byPhase = new Map(counts.rows.map((r) => [Number(r.phase), r]));
  const views: PhaseView[] = phases.map((p, i) => {
    const c = byPhase.get(p.position);
    const prev = phases[i - 1];
    // Planned: phase 1 at the deployment's start; a later one at the gate before it plus its wait.
    const plannedStart = i === 0 ? d.availableFrom : prev?.gateMetAt ? new Date(prev.gateMetAt.getTime() + p.waitMinutes * 60_000) : null;
    const devices = Number(c?.devices ?? 0);
    const succeeded = Number(c?.succeeded ?? 0);
    const failed = Number(c?.failed ?? 0);
    return {
      position: p.position,
      name: p.name,
      selection: p.targetId ? `Target ${names.rows.find((n) => n.id === p.targetId)?.name ?? ''}` : `${p.percent} % by bucket`,
      gate: [
        p.gatePercent !== null ? `${p.gatePercent} % succeeded` : null,
        p.gateCount !== null ? `${p.gateCount} devices succeeded` : null,
      ]
        .filter(Boolean)
        .join(' or '),
      waitMinutes: p.waitMinutes,
      throttleMinutes: p.throttleMinutes,
      startMode: p.startMode,
      plannedStart,
      startedAt: p.startedAt,
      gateMetAt: p.gateMetAt,
      haltedAt: p.haltedAt,
      haltEvidence: p.haltEvidence,
      devices,
      succeeded,
      failed,
      pending: devices - succeeded - failed,
    };
  });
  const from = d.activatedAt ?? d.availableFrom;
  const chart =
    from < now
      ? (
          await db.execute<{ at: string; succeeded: number; failed: number; pending: number }>(sql`
      select t.at, count(*) filter (where last.type = 'install_succeeded')::int as succeeded,
        count(*) filter (where last.type = 'install_failed')::int as failed,
        count(*) filter (where last.type is null or last.type = 'uninstalled')::int as pending
      from generate_series(${from.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz,
        (${now.getTime() - from.getTime()}::bigint / ${CHART_POINTS - 1}) * interval '1 millisecond') as t(at)
      left join deployment_assignments a on a.deployment_id = ${deploymentId} and a.assigned_at <= t.at
        and (a.ended_at is null or a.ended_at > t.at)
      left join lateral (
        select e.type from install_events e
        where e.deployment_id = a.deployment_id and e.device_id = a.device_id and e.occurred_at <= t.at
          and e.type in ('install_succeeded', 'install_failed', 'uninstalled')
        order by e.occurred_at desc, e.id desc limit 1
      ) last on true
      where a.device_id is not null
      group by t.at order by t.at`)
        ).rows.map((r) => ({ at: new Date(r.at), succeeded: Number(r.succeeded), failed: Number(r.failed), pending: Number(r.pending) }))
      : [];
  const current = await db.query.releases.findFirst({ where: eq(releases.id, d.releaseId) });
  const fixedReleases = current?.publishedAt
    ? await db
        .select({ id: releases.id, version: releases.version })
        .from(releases)
        .where(and(eq(releases.productId, d.productId), eq(releases.status, 'published'), gt(releases.publishedAt, current.publishedAt)))
        .orderBy(desc(releases.publishedAt))
    : [];
  const unstarted = phases.filter((p) => !p.startedAt).sort((a, b) => a.position - b.position);
  return { phases: views, chart, fixedReleases, nextPhase: unstarted[0]?.position ?? null };
}

/** The stored phase plan, for the edit form. */
export async function listPhases(actor: Actor, deploymentId: string) {
  assertManager(actor);
  assertId(deploymentId, 'No such deployment.');
  return phasesOf(getDb(), deploymentId);
}
