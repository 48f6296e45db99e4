import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { deploymentPhases, deployments, products, releases, users, type HaltEvidence } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { notify } from '@/lib/notifications/service';
import type { PhaseCounts } from './counts';

/** How many failing devices a halt names (the rest are on the status page). */
const FAILING_DEVICES_KEPT = 20;

async function evidenceOf(tx: Tx, c: PhaseCounts, d: typeof deployments.$inferSelect, countFrom: Date | null): Promise<HaltEvidence> {
  const from = (countFrom ?? new Date(0)).toISOString();
  const { rows } = await tx.execute<{ id: string; hostname: string; error_text: string | null }>(sql`
    select dv.id, dv.hostname, last.error_text
    from deployment_assignments a
    join devices dv on dv.id = a.device_id
    join lateral (
      select e.type, e.error_text, e.occurred_at from install_events e
      where e.deployment_id = a.deployment_id and e.device_id = a.device_id
        and e.type in ('install_succeeded', 'install_failed', 'uninstalled')
      order by e.occurred_at desc, e.id desc limit 1
    ) last on last.type = 'install_failed' and last.occurred_at >= ${from}::timestamptz
    where a.deployment_id = ${d.id} and a.phase_position = ${c.position} and a.ended_at is null
    order by dv.hostname`);
  const tally = new Map<string, number>();
  for (const r of rows) if (r.error_text) tally.set(r.error_text, (tally.get(r.error_text) ?? 0) + 1);
  const commonest = [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return {
    devices: c.devices,
    reports: c.reports,
    succeeded: c.succeeded,
    failed: c.failed,
    failurePercent: c.reports ? Math.round((c.failed * 1000) / c.reports) / 10 : 0,
    thresholdPercent: d.haltFailurePercent,
    minReports: d.haltMinReports,
    failingDevices: rows.slice(0, FAILING_DEVICES_KEPT).map((r) => ({ id: r.id, hostname: r.hostname, errorText: r.error_text })),
    commonestError: commonest ? { text: commonest[0], count: commonest[1] } : null,
  };
}

/**
 * Halts an active deployment because phase `c` failed too often: active → halted (conditional,
 * so two evaluations at once halt it once), the evidence kept on the phase, audited, and the
 * deployment's manager and the librarians told — all in the caller's transaction. Devices that
 * have not begun are no longer offered the release (see assignmentsJsonSql), and the sweep
 * assigns nobody new while it is halted. Returns false when it was no longer active.
 */
export async function haltForFailures(tx: Tx, c: PhaseCounts, now: Date): Promise<boolean> {
  const [d] = await tx
    .update(deployments)
    .set({ status: 'halted', updatedAt: now })
    .where(and(eq(deployments.id, c.deploymentId), eq(deployments.status, 'active')))
    .returning();
  if (!d) return false;
  const phase = (await tx.query.deploymentPhases.findFirst({ where: eq(deploymentPhases.id, c.phaseId) }))!;
  const evidence = await evidenceOf(tx, c, d, phase.countFrom);
  await tx.update(deploymentPhases).set({ haltedAt: now, haltEvidence: evidence }).where(eq(deploymentPhases.id, c.phaseId));
  await recordAudit(
    {
      actor: { kind: 'system' },
      action: 'deployment.halted',
      entityType: 'deployment',
      entityId: d.id,
      after: { phase: c.position, ...evidence },
    },
    tx,
  );
  const [release] = await tx
    .select({ version: releases.version, product: products.name })
    .from(releases)
    .innerJoin(products, eq(products.id, releases.productId))
    .where(eq(releases.id, d.releaseId));
  const librarians = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.active, true), sql`'librarian' = any(${users.roles})`));
  await notify(tx, [d.createdById, ...librarians.map((l) => l.id)], {
    kind: 'deployment_halted',
    title: `Deployment halted: ${d.name}`,
    body:
      `${release?.product ?? 'A product'} ${release?.version ?? ''}, phase ${phase.position} (${phase.name}): ` +
      `${evidence.failed} of ${evidence.reports} reports failed (${evidence.failurePercent} %, threshold ${d.haltFailurePercent} % of at least ${d.haltMinReports}).` +
      (evidence.commonestError ? ` Commonest error: ${evidence.commonestError.text}` : ''),
    link: `/deployments/${d.id}`,
  });
  return true;
}
