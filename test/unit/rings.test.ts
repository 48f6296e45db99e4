import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  auditEvents,
  deploymentAssignments,
  deploymentPhases,
  deployments,
  entitlements,
  notifications,
  pipelineDeployments,
  users,
} from '@/db/schema';
import { POST as deployFirstRing } from '@/app/api/v1/products/[slug]/releases/[version]/deployments/route';
import { listDeviceAssignments } from '@/lib/deployments/device-assignments';
import { setPromotionPath } from '@/lib/deployments/promotion-path';
import { runDeploymentSchedule } from '@/lib/deployments/lifecycle';
import { createDeployment, scheduleDeployment, updateDeployment } from '@/lib/deployments/service';
import { ConflictError, ValidationError } from '@/lib/errors';
import { createApiToken } from '@/lib/pipeline/tokens';
import { bucketOf, bucketSql } from '@/lib/rings/buckets';
import { saveRingTemplate } from '@/lib/rings/delivery';
import { evaluateAfterReports, evaluateGates } from '@/lib/rings/gates';
import { resumeDeployment, rollBack, rollForward, startNextPhase } from '@/lib/rings/manage';
import type { DeploymentInput } from '@/lib/deployments/schema';
import { sql } from 'drizzle-orm';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { fleetAt, newerRelease, phase, plan, publishedRelease, report, siteTarget } from '../support/deployment-plans';

const db = setupTestDb();
const dana = () => actor('dana@example.com');
const HOUR = 3_600_000;

/** A phased deployment of `site`'s devices, scheduled and (its start being past) active. */
async function phased(site: string, n: number, over: Partial<DeploymentInput>, slug = 'firefox') {
  const m = await dana();
  const fleet = await fleetAt(site, n);
  const target = await siteTarget(m, site);
  const { release } = await publishedRelease(slug);
  const input = plan({ releaseId: release.id, targetId: target.id, ...over });
  const { id } = await createDeployment(m, input);
  await scheduleDeployment(m, id, 1);
  return { m, fleet, target, release, id, input };
}

const assigned = async (id: string) =>
  db()
    .select({
      deviceId: deploymentAssignments.deviceId,
      phase: deploymentAssignments.phasePosition,
      startAfter: deploymentAssignments.startAfter,
    })
    .from(deploymentAssignments)
    .where(and(eq(deploymentAssignments.deploymentId, id), isNull(deploymentAssignments.endedAt)));
const phaseRow = async (id: string, position: number) =>
  (await db().query.deploymentPhases.findFirst({
    where: and(eq(deploymentPhases.deploymentId, id), eq(deploymentPhases.position, position)),
  }))!;
const statusOf = async (id: string) => (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!.status;

describe(`phased deployments: buckets and phases (${engine})`, () => {
  it('a bucket is the same in SQL and here, stable on re-reading, and raising 5 % to 20 % only adds devices', async () => {
    const { m, fleet, id, input } = await phased('RingBucket', 300, {
      phases: [phase({ name: 'Five', percent: 5 }), phase({ name: 'Rest', percent: 100 })],
    });
    const { rows } = await db().execute<{ id: string; b: number }>(
      sql`select id, ${bucketSql(sql`id`, sql`${id}::uuid`)} as b from devices where site = 'RingBucket'`,
    );
    for (const r of rows) expect(Number(r.b)).toBe(bucketOf(r.id, id));
    const first = await assigned(id);
    const expected = fleet
      .filter((d) => bucketOf(d.id, id) < 500)
      .map((d) => d.id)
      .sort();
    expect(first.map((a) => a.deviceId).sort()).toEqual(expected);
    expect(first.every((a) => a.phase === 1)).toBe(true);
    // Re-reading the plan (a sweep) changes nothing.
    await runDeploymentSchedule(new Date());
    expect((await assigned(id)).map((a) => a.deviceId).sort()).toEqual(expected);
    // Raising 5 % to 20 %: every device already in stays, the new ones are exactly buckets 500..1999.
    await updateDeployment(
      m,
      id,
      { ...input, phases: [phase({ name: 'Five', percent: 20 }), phase({ name: 'Rest', percent: 100 })] },
      { expectedVersion: 1, reason: 'wider pilot' },
    );
    await runDeploymentSchedule(new Date());
    const raised = (await assigned(id)).map((a) => a.deviceId).sort();
    expect(raised).toEqual(
      fleet
        .filter((d) => bucketOf(d.id, id) < 2000)
        .map((d) => d.id)
        .sort(),
    );
    for (const d of expected) expect(raised).toContain(d);
    // Lowering a started phase would move devices: refused, naming the field.
    await expect(
      updateDeployment(
        m,
        id,
        { ...input, phases: [phase({ name: 'Five', percent: 10 }), phase({ name: 'Rest', percent: 100 })] },
        { expectedVersion: 2, reason: 'x' },
      ),
    ).rejects.toMatchObject({ field: 'phases.0.percent' });
  }, 120_000);

  it('the gate is met at exactly X % and not below; the next phase starts after the wait, by the clock given', async () => {
    const { fleet, id, release } = await phased('RingGate', 20, {
      phases: [
        phase({ name: 'Pilot', percent: 50, gatePercent: 80 }),
        phase({ name: 'Broad', percent: 100, gateCount: 3, waitMinutes: 60 }),
        phase({ name: 'Manual', percent: 100, startMode: 'manual' }),
      ],
    });
    const pilot = (await assigned(id)).map((a) => fleet.find((d) => d.id === a.deviceId)!);
    expect(pilot.length).toBeGreaterThan(3);
    const need = Math.ceil((pilot.length * 80) / 100);
    for (const d of pilot.slice(0, need - 1)) await report(id, release.id, d, 'install_succeeded');
    const t0 = new Date(Date.now() + HOUR);
    expect((await evaluateGates(t0)).gatesMet).toEqual([]);
    expect((await phaseRow(id, 1)).gateMetAt).toBeNull();
    await report(id, release.id, pilot[need - 1]!, 'install_succeeded');
    expect((await evaluateGates(t0)).gatesMet).toEqual([{ deploymentId: id, position: 1 }]);
    expect((await phaseRow(id, 1)).gateMetAt).toEqual(t0);
    // 59 minutes after: still waiting; 60: phase 2 starts and gets its devices.
    expect((await runDeploymentSchedule(new Date(t0.getTime() + 59 * 60_000))).phasesStarted).toEqual([]);
    const run = await runDeploymentSchedule(new Date(t0.getTime() + 60 * 60_000));
    expect(run.phasesStarted).toEqual([{ deploymentId: id, position: 2 }]);
    expect((await assigned(id)).length).toBe(20);
    // Phase 2's gate is a count: 2 devices is below it, 3 meets it; phase 3 is manual and waits.
    const broad = (await assigned(id)).filter((a) => a.phase === 2).map((a) => fleet.find((d) => d.id === a.deviceId)!);
    for (const d of broad.slice(0, 2)) await report(id, release.id, d, 'install_succeeded');
    const t1 = new Date(t0.getTime() + 2 * HOUR);
    expect((await evaluateGates(t1)).gatesMet).toEqual([]);
    await report(id, release.id, broad[2]!, 'install_succeeded');
    expect((await evaluateGates(t1)).gatesMet).toEqual([{ deploymentId: id, position: 2 }]);
    expect((await evaluateGates(new Date(t1.getTime() + 24 * HOUR))).started).toEqual([]);
    await expect(startNextPhase(await dana(), id, 4)).rejects.toThrow(ConflictError);
    await startNextPhase(await dana(), id, 3);
    expect((await phaseRow(id, 3)).startedAt).not.toBeNull();
  });

  it('throttling spreads start times over H hours by bucket, and the device API waits for each', async () => {
    const { fleet, id } = await phased('RingThrottle', 100, { phases: [phase({ name: 'Spread', percent: 100, throttleMinutes: 600 })] });
    const started = (await phaseRow(id, 1)).startedAt!;
    const rows = await assigned(id);
    expect(rows).toHaveLength(100);
    const offsets = rows.map((r) => (r.startAfter!.getTime() - started.getTime()) / 60_000);
    for (const r of rows) {
      const expected = (bucketOf(r.deviceId, id) * 600) / 10_000;
      expect(Math.abs((r.startAfter!.getTime() - started.getTime()) / 60_000 - expected)).toBeLessThan(0.01);
    }
    expect(Math.min(...offsets)).toBeLessThan(60);
    expect(Math.max(...offsets)).toBeGreaterThan(540);
    expect(offsets.every((o) => o >= 0 && o < 600)).toBe(true);
    const early = rows.reduce((a, b) => (a.startAfter! < b.startAfter! ? a : b));
    const late = rows.reduce((a, b) => (a.startAfter! > b.startAfter! ? a : b));
    await db()
      .update(deploymentAssignments)
      .set({ startAfter: new Date(Date.now() - 1000) })
      .where(eq(deploymentAssignments.deviceId, early.deviceId));
    expect((await listDeviceAssignments(early.deviceId)).map((a) => a.deploymentId)).toEqual([id]);
    expect(await listDeviceAssignments(late.deviceId)).toEqual([]);
    expect(fleet).toHaveLength(100);
  });
});

describe(`phased deployments: automatic halt and what a manager does next (${engine})`, () => {
  it('halts at exactly Y % of at least M reports, not below; keeps the evidence, tells people, stops offering it', async () => {
    const { fleet, id, release, m } = await phased('RingHalt', 16, {
      haltFailurePercent: 25,
      haltMinReports: 8,
      phases: [phase({ name: 'All', percent: 100 })],
    });
    const [f1, f2, f3, ...ok] = fleet;
    // Two failures of 7 reports (28.6 %) but fewer than M: no halt.
    await report(id, release.id, f1!, 'install_failed', { errorText: 'exit 1603: disk full' });
    await report(id, release.id, f2!, 'install_failed', { errorText: 'exit 1603: disk full' });
    for (const d of ok.slice(0, 5)) await report(id, release.id, d, 'install_succeeded');
    expect(await evaluateAfterReports([id])).toEqual([]);
    // 2 of 11 (18 %): below the threshold.
    for (const d of ok.slice(5, 9)) await report(id, release.id, d, 'install_succeeded');
    expect(await evaluateAfterReports([id])).toEqual([]);
    expect(await statusOf(id)).toBe('active');
    // 3 of 12 = exactly 25 %: halts.
    await report(id, release.id, f3!, 'install_failed', { errorText: 'signature mismatch' });
    expect(await evaluateAfterReports([id])).toEqual([id]);
    expect(await statusOf(id)).toBe('halted');
    const p = await phaseRow(id, 1);
    expect(p.haltEvidence).toMatchObject({ reports: 12, failed: 3, succeeded: 9, failurePercent: 25, thresholdPercent: 25, minReports: 8 });
    expect(p.haltEvidence!.failingDevices.map((d) => d.id).sort()).toEqual([f1!.id, f2!.id, f3!.id].sort());
    expect(p.haltEvidence!.commonestError).toEqual({ text: 'exit 1603: disk full', count: 2 });
    const halted = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'deployment.halted')));
    expect(halted).toHaveLength(1);
    const librarian = (await db().query.users.findFirst({ where: eq(users.email, 'librarian@example.com') }))!;
    const told = await db().select({ userId: notifications.userId }).from(notifications).where(eq(notifications.kind, 'deployment_halted'));
    expect(told.map((t) => t.userId)).toEqual(expect.arrayContaining([m.id, librarian.id]));
    // Devices that had begun keep it; one that had not is told to wait.
    const untouched = ok[9]!;
    expect(await listDeviceAssignments(untouched.id)).toEqual([]);
    expect((await listDeviceAssignments(f1!.id)).map((a) => a.deploymentId)).toEqual([id]);
    // A second evaluation halts nothing twice; the tick leaves it halted.
    expect((await evaluateGates(new Date())).halted).toEqual([]);

    // Resume: active again, and the failures already judged do not halt it again.
    await expect(resumeDeployment(m, id, 'disk space freed')).resolves.toBeUndefined();
    expect(await statusOf(id)).toBe('active');
    expect((await evaluateGates(new Date(Date.now() + 1000))).halted).toEqual([]);
    await expect(resumeDeployment(m, id, 'again')).rejects.toThrow(ConflictError);
  });

  it('rolls forward to a later release of the same product: plan and done devices kept, the fixed release offered', async () => {
    const { fleet, id, release, m } = await phased('RingForward', 30, {
      haltFailurePercent: 50,
      haltMinReports: 4,
      phases: [phase({ name: 'Pilot', percent: 50 }), phase({ name: 'Rest', percent: 100 })],
    });
    const pilot = (await assigned(id)).map((a) => fleet.find((d) => d.id === a.deviceId)!);
    expect(pilot.length).toBeGreaterThanOrEqual(5);
    await report(id, release.id, pilot[0]!, 'install_succeeded');
    for (const d of pilot.slice(1, 4)) await report(id, release.id, d, 'install_failed', { errorText: 'crash' });
    expect(await evaluateAfterReports([id])).toEqual([id]);
    await expect(rollForward(m, id, release.id, 'same')).rejects.toThrow(ValidationError);
    const fixed = await newerRelease(release.productId, '999.0.1');
    await rollForward(m, id, fixed.release.id, 'fixed crash');
    const d = (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!;
    expect(d).toMatchObject({ status: 'active', releaseId: fixed.release.id, version: 2 });
    expect((await assigned(id)).map((a) => a.deviceId).sort()).toEqual(pilot.map((p) => p.id).sort());
    const ents = await db()
      .select()
      .from(entitlements)
      .where(and(eq(entitlements.deploymentId, id), eq(entitlements.status, 'active')));
    expect(ents).toHaveLength(pilot.length);
    expect(ents.every((e) => e.releaseId === fixed.release.id)).toBe(true);
    expect((await listDeviceAssignments(pilot[4]!.id))[0]!.release.version).toBe('999.0.1');
    // The old failures no longer count; the fixed release's successes meet the gate and phase 2 starts.
    expect((await evaluateGates(new Date())).halted).toEqual([]);
    for (const p of pilot.slice(1)) await report(id, fixed.release.id, p, 'install_succeeded');
    // Gate met and (no wait) phase 2 started in the same tick.
    expect(await evaluateGates(new Date())).toMatchObject({
      gatesMet: [{ deploymentId: id, position: 1 }],
      started: [{ deploymentId: id, position: 2 }],
    });
  });

  it('rolls back: a required deployment of the previous release to exactly the devices that installed the bad one', async () => {
    const m = await dana();
    const fleet = await fleetAt('RingBack', 6);
    const target = await siteTarget(m, 'RingBack');
    const { release: good } = await publishedRelease('git');
    const bad = await newerRelease(good.productId, '999.9.9');
    const { id } = await createDeployment(
      m,
      plan({
        releaseId: bad.release.id,
        targetId: target.id,
        haltMinReports: 3,
        haltFailurePercent: 50,
        phases: [phase({ name: 'All', percent: 100 })],
      }),
    );
    await scheduleDeployment(m, id, 1);
    const [a, b, c, d] = fleet;
    await report(id, bad.release.id, a!, 'install_succeeded');
    await report(id, bad.release.id, b!, 'install_succeeded');
    await report(id, bad.release.id, c!, 'install_failed');
    await report(id, bad.release.id, d!, 'install_failed');
    expect(await evaluateAfterReports([id])).toEqual([id]);
    const back = await rollBack(m, id, 'bad build');
    expect(await statusOf(id)).toBe('cancelled');
    const rb = (await db().query.deployments.findFirst({ where: eq(deployments.id, back.id) }))!;
    const previous = await db().execute<{ id: string }>(
      sql`select id from releases where product_id = ${good.productId} and status = 'published' and id <> ${bad.release.id} order by published_at desc limit 1`,
    );
    expect(rb).toMatchObject({ status: 'active', intent: 'required', releaseId: previous.rows[0]!.id });
    expect((await assigned(back.id)).map((x) => x.deviceId).sort()).toEqual([a!.id, b!.id].sort());
    expect(await assigned(id)).toEqual([]);
  });
});

describe(`continuous delivery to a first ring (${engine})`, () => {
  it('a scoped pipeline token deploys a published release to the template ring, once per release', async () => {
    const lena = await actor('librarian@example.com');
    const m = await dana();
    await fleetAt('RingCD', 4);
    const target = await siteTarget(m, 'RingCD');
    const other = await publishedRelease('git');
    const { product } = await publishedRelease('obsidian');
    const fresh = await newerRelease(product.id, '999.1.0');
    const { secret } = await createApiToken(lena, { name: 'ci obsidian', productIds: [product.id] });
    const call = (slug: string, version: string, token = secret) =>
      deployFirstRing(new Request('http://x/', { method: 'POST', headers: { authorization: `Bearer ${token}` } }), {
        params: Promise.resolve({ slug, version }),
      });
    // No ring template yet: 409 saying so.
    expect((await call('obsidian', '999.1.0')).status).toBe(409);
    await saveRingTemplate(lena, product.id, {
      name: 'Pilot ring',
      targetId: target.id,
      environment: 'test',
      haltFailurePercent: 20,
      haltMinReports: 10,
      phases: [phase({ name: 'Pilot', percent: 50 }), phase({ name: 'Rest', percent: 100, waitMinutes: 120 })],
    });
    const first = await call('obsidian', '999.1.0');
    expect(first.status).toBe(201);
    const body = (await first.json()) as { deploymentId: string; status: string; created: boolean };
    expect(body).toMatchObject({ status: 'active', created: true });
    const again = await call('obsidian', '999.1.0');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...body, created: false });
    const d = (await db().query.deployments.findFirst({ where: eq(deployments.id, body.deploymentId) }))!;
    expect(d).toMatchObject({ releaseId: fresh.release.id, targetId: target.id, environment: 'test', createdById: lena.id });
    expect((await phaseRow(d.id, 1)).startedAt).not.toBeNull();
    expect((await phaseRow(d.id, 2)).startedAt).toBeNull();
    // A token not scoped to the product: 403; another product's slug: 403 as well.
    expect((await call(other.product.slug, other.release.version)).status).toBe(403);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, d.id), eq(auditEvents.action, 'deployment.created')));
    expect(audit[0]!.actorKind).toBe('pipeline');

    // A first ring in live is gated like any live deployment: the release's change must cover it.
    await setPromotionPath(m, product.id, ['live']);
    await saveRingTemplate(lena, product.id, {
      name: 'Live pilot',
      targetId: target.id,
      environment: 'live',
      haltFailurePercent: 20,
      haltMinReports: 10,
      phases: [phase({ name: 'Pilot', percent: 50 })],
    });
    const unchanged = await newerRelease(product.id, '999.2.0');
    const refused = await call('obsidian', '999.2.0');
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ field: 'changeRef' });
    expect(
      await db().query.pipelineDeployments.findFirst({ where: eq(pipelineDeployments.releaseId, unchanged.release.id) }),
    ).toBeUndefined();
  });
});
