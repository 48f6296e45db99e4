import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db';

/** One started phase of a phased deployment, counted. */
export interface PhaseCounts {
  phaseId: string;
  deploymentId: string;
  position: number;
  /** Open assignments of the phase. */
  devices: number;
  /** Devices whose latest outcome in this deployment is install_succeeded (done stays done). */
  succeeded: number;
  /** Outcomes since the phase's count_from (a resume or roll-forward restarts the halt count). */
  reports: number;
  failed: number;
  gateMet: boolean;
  haltDue: boolean;
  /** The phase after this one may start now (gate met, wait over, automatic). */
  nextDue: boolean;
  isLatestStarted: boolean;
}

/**
 * Counts every started phase of the chosen deployments in one statement: each device's latest
 * outcome comes from an index-only backward scan (install_events_deployment_idx), so the work is
 * O(assigned devices) whatever the ledger's size. `scope` narrows the deployments (and phases).
 *
 * Boundaries, as documented in the README: the gate is met at exactly X % (succeeded × 100 ≥
 * X × devices) or exactly N devices; the halt fires at exactly Y % (failed × 100 ≥ Y × reports)
 * once reports ≥ M. Below either, nothing happens.
 */
export async function countPhases(tx: DbOrTx, now: Date, scope: SQL = sql`true`): Promise<PhaseCounts[]> {
  const { rows } = await tx.execute<Record<string, unknown>>(countPhasesSql(now, scope));
  return rows.map((r) => ({
    phaseId: String(r.id),
    deploymentId: String(r.deployment_id),
    position: Number(r.position),
    devices: Number(r.devices),
    succeeded: Number(r.succeeded),
    reports: Number(r.reports),
    failed: Number(r.failed),
    gateMet: r.gate_met_at !== null || r.gate_met_now === true,
    haltDue: r.halt_due === true,
    nextDue: r.next_due === true,
    isLatestStarted: r.latest === true,
  }));
}

/** The counting statement itself (the bench sends it raw beside the product path). */
export function countPhasesSql(now: Date, scope: SQL = sql`true`): SQL {
  return sql`
    with started as (
      select p.*, d.halt_failure_percent, d.halt_min_reports,
        p.position = max(p.position) over (partition by p.deployment_id) as latest
      from deployment_phases p
      join deployments d on d.id = p.deployment_id
      where d.status = 'active' and p.started_at is not null and ${scope}
    ),
    outcomes as (
      select s.id as phase_id, last.type, last.occurred_at
      from started s
      join deployment_assignments a on a.deployment_id = s.deployment_id and a.phase_position = s.position and a.ended_at is null
      left join lateral (
        select e.type, e.occurred_at from install_events e
        where e.deployment_id = a.deployment_id and e.device_id = a.device_id
          and e.type in ('install_succeeded', 'install_failed', 'uninstalled')
        order by e.occurred_at desc, e.id desc limit 1
      ) last on true
    ),
    counted as (
      select s.id, s.deployment_id, s.position, s.latest, s.gate_percent, s.gate_count, s.gate_met_at,
        s.halt_failure_percent, s.halt_min_reports,
        count(o.phase_id)::int as devices,
        count(*) filter (where o.type = 'install_succeeded')::int as succeeded,
        count(*) filter (where o.type in ('install_succeeded', 'install_failed')
          and o.occurred_at >= coalesce(s.count_from, '-infinity'))::int as reports,
        count(*) filter (where o.type = 'install_failed' and o.occurred_at >= coalesce(s.count_from, '-infinity'))::int as failed
      from started s left join outcomes o on o.phase_id = s.id
      group by s.id, s.deployment_id, s.position, s.latest, s.gate_percent, s.gate_count, s.gate_met_at,
        s.halt_failure_percent, s.halt_min_reports
    )
    select c.*,
      (c.devices > 0 and ((c.gate_percent is not null and c.succeeded * 100 >= c.gate_percent * c.devices)
        or (c.gate_count is not null and c.succeeded >= c.gate_count))) as gate_met_now,
      (c.reports >= c.halt_min_reports and c.failed * 100 >= c.halt_failure_percent * c.reports) as halt_due,
      (c.latest and c.gate_met_at is not null and n.id is not null and n.start_mode = 'auto'
        and c.gate_met_at + n.wait_minutes * interval '1 minute' <= ${now.toISOString()}::timestamptz) as next_due
    from counted c
    left join deployment_phases n on n.deployment_id = c.deployment_id and n.position = c.position + 1 and n.started_at is null
    order by c.deployment_id, c.position`;
}
