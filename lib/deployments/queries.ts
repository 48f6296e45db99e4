import { and, inArray, asc, desc, eq, gte, isNull, lt, not, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import {
  deploymentAssignments,
  deploymentRevisions,
  deployments,
  deploymentStatusValues,
  type DeploymentStatus,
  devices,
  environments,
  products,
  releases,
  targets,
  users,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { assertId, NotFoundError } from '@/lib/errors';
import { text } from '@/lib/text';
import { assertManager } from './access';
import { awaitsCutoverSql } from './cutover';
import { deploymentDecisions } from './approval';
import { deploymentSuccess } from './environments';
import { seatShortfall } from './seats';

export const deploymentFilters = z.object({
  status: z.enum(deploymentStatusValues).optional().catch(undefined),
  productId: z.uuid().optional().catch(undefined),
  environment: text().max(32).optional().catch(undefined),
});
export type DeploymentFilters = z.infer<typeof deploymentFilters>;

const summary = {
  id: deployments.id,
  name: deployments.name,
  status: deployments.status,
  intent: deployments.intent,
  environment: deployments.environment,
  availableFrom: deployments.availableFrom,
  deadline: deployments.deadline,
  cutoverAt: deployments.cutoverAt,
  version: deployments.version,
  product: products.name,
  productId: products.id,
  release: releases.version,
  target: targets.name,
};

export async function listDeployments(actor: Actor, filters: DeploymentFilters) {
  assertManager(actor);
  const where: SQL[] = [];
  if (filters.status) where.push(eq(deployments.status, filters.status));
  if (filters.productId) where.push(eq(deployments.productId, filters.productId));
  if (filters.environment) where.push(eq(deployments.environment, filters.environment));
  return getDb()
    .select(summary)
    .from(deployments)
    .innerJoin(products, eq(products.id, deployments.productId))
    .innerJoin(releases, eq(releases.id, deployments.releaseId))
    .innerJoin(targets, eq(targets.id, deployments.targetId))
    .where(and(...where))
    .orderBy(desc(deployments.availableFrom))
    .limit(500);
}

/** The header, approvals, licence picture and history of one deployment. */
export async function getDeploymentDetail(actor: Actor, id: string) {
  assertManager(actor);
  assertId(id, 'No such deployment.');
  const db = getDb();
  const [row] = await db
    .select({ d: deployments, product: products, release: releases.version, target: targets, env: environments, creator: users.name })
    .from(deployments)
    .innerJoin(products, eq(products.id, deployments.productId))
    .innerJoin(releases, eq(releases.id, deployments.releaseId))
    .innerJoin(targets, eq(targets.id, deployments.targetId))
    .innerJoin(environments, eq(environments.key, deployments.environment))
    .innerJoin(users, eq(users.id, deployments.createdById))
    .where(eq(deployments.id, id));
  if (!row) throw new NotFoundError('No such deployment.');
  const changedBy = users;
  const [decisions, revisions, seats, success, waiting] = await Promise.all([
    deploymentDecisions(db, id),
    db
      .select({
        version: deploymentRevisions.version,
        reason: deploymentRevisions.reason,
        changedAt: deploymentRevisions.changedAt,
        by: changedBy.name,
        snapshot: deploymentRevisions.snapshot,
      })
      .from(deploymentRevisions)
      .leftJoin(changedBy, eq(changedBy.id, deploymentRevisions.changedById))
      .where(eq(deploymentRevisions.deploymentId, id))
      .orderBy(desc(deploymentRevisions.version)),
    seatShortfall(db, row.d, row.product, row.target.rules),
    deploymentSuccess(db, id),
    // Required assignments that found no free seat: shown so nobody thinks they were forgotten.
    row.d.intent === 'required' && row.product.seatLimit !== null
      ? db
          .select({ deviceId: devices.id, hostname: devices.hostname, since: deploymentAssignments.assignedAt })
          .from(deploymentAssignments)
          .innerJoin(devices, eq(devices.id, deploymentAssignments.deviceId))
          .where(
            and(
              eq(deploymentAssignments.deploymentId, id),
              isNull(deploymentAssignments.endedAt),
              isNull(deploymentAssignments.entitlementId),
              not(awaitsCutoverSql(sql`${id}`, sql`${devices.id}`)),
            ),
          )
          .orderBy(asc(deploymentAssignments.assignedAt))
          .limit(200)
      : Promise.resolve([]),
  ]);
  return {
    ...row.d,
    product: { id: row.product.id, name: row.product.name, slug: row.product.slug, seatLimit: row.product.seatLimit },
    release: row.release,
    target: { id: row.target.id, name: row.target.name },
    env: row.env,
    creator: row.creator,
    decisions,
    approvalsForVersion: new Set(
      decisions.filter((x) => x.version === row.d.version && x.decision === 'approved').map((x) => x.onBehalfOfId ?? x.approver),
    ).size,
    revisions,
    seats,
    success,
    waitingForSeat: waiting,
  };
}

/** Choices for the deployment form: published releases, live targets, environments. */
export async function deploymentFormChoices(actor: Actor) {
  assertManager(actor);
  const db = getDb();
  const [releaseRows, targetRows, envRows] = await Promise.all([
    db
      .select({ id: releases.id, version: releases.version, product: products.name })
      .from(releases)
      .innerJoin(products, eq(products.id, releases.productId))
      .where(eq(releases.status, 'published'))
      .orderBy(asc(products.name), desc(releases.publishedAt)),
    db.select({ id: targets.id, name: targets.name }).from(targets).where(eq(targets.archived, false)).orderBy(asc(targets.name)),
    db.select({ key: environments.key, name: environments.name }).from(environments).orderBy(asc(environments.rank)),
  ]);
  return { releases: releaseRows, targets: targetRows, environments: envRows };
}

export interface CalendarEntry {
  id: string;
  name: string;
  product: string;
  release: string;
  environment: string;
  status: DeploymentStatus;
  kind: 'available-from' | 'deadline' | 'cut-over' | 'phase-start';
  at: Date;
  /** For a phase start: which phase. */
  phase?: string;
}

/**
 * What is planned in [from, from + weeks): every start, deadline and cut-over of deployments not
 * cancelled, across all products, grouped by ISO week (Monday) for the calendar page.
 */
export async function deploymentCalendar(actor: Actor, from: Date, weeks = 6) {
  assertManager(actor);
  const start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() - ((from.getUTCDay() + 6) % 7)));
  const end = new Date(start.getTime() + weeks * 7 * 86_400_000);
  const inRange = (c: typeof deployments.availableFrom | typeof deployments.deadline | typeof deployments.cutoverAt) =>
    and(gte(c, start), lt(c, end));
  const rows = await getDb()
    .select(summary)
    .from(deployments)
    .innerJoin(products, eq(products.id, deployments.productId))
    .innerJoin(releases, eq(releases.id, deployments.releaseId))
    .innerJoin(targets, eq(targets.id, deployments.targetId))
    .where(
      and(
        sql`${deployments.status} <> 'cancelled'`,
        or(inRange(deployments.availableFrom), inRange(deployments.deadline), inRange(deployments.cutoverAt)),
      ),
    );
  const entries: CalendarEntry[] = [];
  for (const r of rows) {
    const base = { id: r.id, name: r.name, product: r.product, release: r.release, environment: r.environment, status: r.status };
    const moments: [CalendarEntry['kind'], Date | null][] = [
      ['available-from', r.availableFrom],
      ['deadline', r.deadline],
      ['cut-over', r.cutoverAt],
    ];
    for (const [kind, at] of moments) if (at && at >= start && at < end) entries.push({ ...base, kind, at });
  }
  // Phase starts (lib/rings): when a phase started, or is planned to (the gate before it plus its wait).
  const phaseStarts = await getDb().execute<{ id: string; position: number; phase: string; at: string }>(sql`
    select p.deployment_id as id, p.position, p.name as phase,
      coalesce(p.started_at, prev.gate_met_at + p.wait_minutes * interval '1 minute') as at
    from deployment_phases p
    left join deployment_phases prev on prev.deployment_id = p.deployment_id and prev.position = p.position - 1
    join deployments d on d.id = p.deployment_id and d.status <> 'cancelled'
    where p.position > 1 and coalesce(p.started_at, prev.gate_met_at + p.wait_minutes * interval '1 minute')
      between ${start.toISOString()}::timestamptz and ${end.toISOString()}::timestamptz`);
  if (phaseStarts.rows.length) {
    const named = await getDb()
      .select(summary)
      .from(deployments)
      .innerJoin(products, eq(products.id, deployments.productId))
      .innerJoin(releases, eq(releases.id, deployments.releaseId))
      .innerJoin(targets, eq(targets.id, deployments.targetId))
      .where(inArray(deployments.id, [...new Set(phaseStarts.rows.map((r) => r.id))]));
    for (const ph of phaseStarts.rows) {
      const r = named.find((n) => n.id === ph.id);
      const at = new Date(ph.at);
      if (r && at < end)
        entries.push({
          id: r.id,
          name: r.name,
          product: r.product,
          release: r.release,
          environment: r.environment,
          status: r.status,
          kind: 'phase-start',
          at,
          phase: `${ph.position}. ${ph.phase}`,
        });
    }
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  return Array.from({ length: weeks }, (_, i) => {
    const weekStart = new Date(start.getTime() + i * 7 * 86_400_000);
    const weekEnd = new Date(weekStart.getTime() + 7 * 86_400_000);
    return { weekStart, entries: entries.filter((e) => e.at >= weekStart && e.at < weekEnd) };
  });
}

/** Products that have deployments, and environments, for the list's filters. */
export async function deploymentFilterChoices(actor: Actor) {
  assertManager(actor);
  const db = getDb();
  const [productRows, envRows] = await Promise.all([
    db
      .selectDistinct({ id: products.id, name: products.name })
      .from(deployments)
      .innerJoin(products, eq(products.id, deployments.productId))
      .orderBy(asc(products.name)),
    db.select({ key: environments.key, name: environments.name }).from(environments).orderBy(asc(environments.rank)),
  ]);
  return { products: productRows, environments: envRows };
}
