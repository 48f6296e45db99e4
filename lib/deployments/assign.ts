import { and, asc, eq, inArray, isNull, not, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { deploymentAssignments, deployments, devices, entitlements, targets } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import { lockProduct, promoteWaiting } from '@/lib/requests/fulfilment';
import { phaseOfDeviceSql, phasesOf, startAfterSql } from '@/lib/rings/phases';
import { awaitsCutoverSql } from './cutover';
import { deploymentCondition } from './rules-sql';
import { grantAssignment, needsNewSeat, seatsInUse } from './seats';

export interface AssignResult {
  assigned: number;
  ended: number;
  granted: number;
  /** Required assignments still without a seat after this run ("waiting for a seat"). */
  waitingForSeat: number;
  /** Mail for requests promoted into seats freed here: send after the transaction commits. */
}

/**
 * The assignment rule. For an active deployment: every active device in target ∩ environment
 * that has no current assignment gets one; devices that left the target (or were retired) lose
 * theirs, and the entitlement it granted is revoked (its seat freed). For a required deployment
 * each assignment without an entitlement gets one in this same transaction, taking a licence
 * seat where the product has a limit — never more than exist: the product row is locked first,
 * as every seat decision does. Devices that find no free seat keep their assignment without an
 * entitlement; they are listed as "waiting for a seat" and served, oldest assignment first, by
 * a later run once seats are free. Available assignments get their entitlement when claimed.
 * Idempotent: a second run with nothing changed does nothing.
 */
export async function assignDevices(tx: Tx, deploymentId: string, actor: AuditActor = { kind: 'system' }): Promise<AssignResult> {
  // Serialises runs for one deployment (sweep, activation, cancel) without blocking readers.
  const [d] = await tx.select().from(deployments).where(eq(deployments.id, deploymentId)).for('no key update');
  const none = { assigned: 0, ended: 0, granted: 0, waitingForSeat: 0 };
  if (!d || d.status !== 'active') return none;
  const target = (await tx.query.targets.findFirst({ where: eq(targets.id, d.targetId) }))!;
  const covered = deploymentCondition(target.rules, d.environment);

  const left = await tx
    .update(deploymentAssignments)
    .set({ endedAt: sql`now()` })
    .where(
      and(
        eq(deploymentAssignments.deploymentId, d.id),
        isNull(deploymentAssignments.endedAt),
        sql`not exists (select 1 from ${devices} where ${devices.id} = ${deploymentAssignments.deviceId} and ${covered})`,
      ),
    )
    .returning({ entitlementId: deploymentAssignments.entitlementId });
  const freed = await revokeGranted(
    tx,
    d.id,
    left.flatMap((l) => (l.entitlementId ? [l.entitlementId] : [])),
  );

  // A phased deployment reaches only the devices of the phases that have started (lib/rings).
  const phases = await phasesOf(tx, d.id);
  const started = phases.filter((p) => p.startedAt).map((p) => p.position);
  const phaseOf = phases.length ? await phaseOfDeviceSql(tx, d.id, phases) : sql`null::int`;
  const startAfter = startAfterSql(d.id, phases, phaseOf);
  const inStartedPhase = phases.length === 0 ? sql`true` : started.length ? sql`${phaseOf} in (${sql.join(started, sql`, `)})` : sql`false`;

  // New devices, and devices that come back after leaving (their old row is reopened).
  const joined = await tx.execute<{ device_id: string }>(sql`
    insert into ${deploymentAssignments} (deployment_id, device_id, phase_position, start_after)
    select ${d.id}, ${devices.id}, ${phaseOf}, ${startAfter} from ${devices} where ${covered} and ${inStartedPhase}
    on conflict (deployment_id, device_id) do update
      set ended_at = null, entitlement_id = null, postponed_until = null, assigned_at = now(),
        phase_position = excluded.phase_position, start_after = excluded.start_after
      where ${deploymentAssignments.endedAt} is not null
    returning device_id`);

  let granted = 0;
  let waitingForSeat = 0;
  if (d.intent === 'required') ({ granted, waitingForSeat } = await grantWaiting(tx, d));
  const counts = { assigned: joined.rows.length, ended: left.length, granted, waitingForSeat };
  if (counts.assigned || counts.ended || counts.granted)
    await recordAudit({ actor, action: 'deployment.assigned', entityType: 'deployment', entityId: d.id, after: counts }, tx);
  // Seats freed by leavers go to whoever waits longest for this product, requests included.
  // Seats freed by devices that left go to the requests waiting longest (their mail is queued here too).
  if (freed) await promoteWaiting(tx, d.productId);
  return counts;
}

/** Required assignments without an entitlement get one, oldest first, while seats last (a big bang's from its cut-over). */
async function grantWaiting(tx: Tx, d: typeof deployments.$inferSelect) {
  const product = await lockProduct(tx, d.productId);
  const pending = await tx
    .select({ id: devices.id, ownerId: devices.ownerId })
    .from(deploymentAssignments)
    .innerJoin(devices, eq(devices.id, deploymentAssignments.deviceId))
    .where(
      and(
        eq(deploymentAssignments.deploymentId, d.id),
        isNull(deploymentAssignments.endedAt),
        isNull(deploymentAssignments.entitlementId),
        not(awaitsCutoverSql(sql`${d.id}`, sql`${devices.id}`)),
      ),
    )
    .orderBy(asc(deploymentAssignments.assignedAt), asc(deploymentAssignments.deviceId));
  let free = product.seatLimit === null ? Infinity : product.seatLimit - (await seatsInUse(tx, d.productId));
  let granted = 0;
  for (const device of pending) {
    if (!device.ownerId) continue; // its owner left: nobody to entitle until the desk reassigns it
    const seatNeeded = product.seatLimit !== null && (await needsNewSeat(tx, d.productId, device.id));
    if (seatNeeded && free <= 0) continue;
    const { tookSeat } = await grantAssignment(tx, d, product, { id: device.id, ownerId: device.ownerId });
    if (tookSeat) free--;
    granted++;
  }
  return { granted, waitingForSeat: pending.length - granted };
}

/** Revokes entitlements a deployment granted; true when a seat was freed. */
export async function revokeGranted(tx: Tx, deploymentId: string, entitlementIds: string[]): Promise<boolean> {
  if (entitlementIds.length === 0) return false;
  const ended = await tx
    .update(entitlements)
    .set({ status: 'revoked', endedAt: sql`now()` })
    .where(and(inArray(entitlements.id, entitlementIds), eq(entitlements.deploymentId, deploymentId), eq(entitlements.status, 'active')))
    .returning({ holdsSeat: entitlements.holdsSeat });
  return ended.some((e) => e.holdsSeat);
}
