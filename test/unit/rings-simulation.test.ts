import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deploymentAssignments, deploymentPhases, deployments, installEvents } from '@/db/schema';
import { POST as checkInRoute } from '@/app/api/v1/device/check-in/route';
import { POST as reportsRoute } from '@/app/api/v1/device/reports/route';
import { runDeploymentSchedule } from '@/lib/deployments/lifecycle';
import type { DeviceAssignment } from '@/lib/deployments/device-assignments';
import { createDeployment, scheduleDeployment } from '@/lib/deployments/service';
import { rollForward } from '@/lib/rings/manage';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { fleetWithTokens, newerRelease, phase, plan, siteTarget } from '../support/deployment-plans';
import { releasesOf } from '../support/deployments';

/*
 * 1,000 simulated agents drive a three-phase deployment through the device API's own route
 * handlers (check-in, reports), in process; only the clock of the scheduler is simulated.
 */
const db = setupTestDb();
const MIN = 60_000;
const N = Number(process.env.RING_SIM_DEVICES ?? 1000);
const lap = (label: string) => process.env.RING_SIM_TRACE && console.log(label, new Date().toISOString());
type Agent = Awaited<ReturnType<typeof fleetWithTokens>>[number];

async function checkIn(a: Agent): Promise<DeviceAssignment[]> {
  const res = await checkInRoute(
    new Request('http://localhost/api/v1/device/check-in', {
      method: 'POST',
      headers: { authorization: a.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ agentVersion: '1.0.0' }),
    }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { assignments: DeviceAssignment[] }).assignments;
}

let seq = 0;
async function reportOutcome(a: Agent, item: DeviceAssignment, ok: boolean): Promise<void> {
  const res = await reportsRoute(
    new Request('http://localhost/api/v1/device/reports', {
      method: 'POST',
      headers: { authorization: a.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          {
            idempotencyKey: `sim-${a.id}-${++seq}`,
            type: ok ? 'install_succeeded' : 'install_failed',
            artifactId: item.artifact!.id,
            deploymentId: item.deploymentId,
            occurredAt: new Date().toISOString(),
            ...(ok ? {} : { exitCode: 1603, errorText: 'MSI 1603: a fatal error during installation' }),
          },
        ],
      }),
    }),
  );
  expect(res.status).toBe(200);
}

/**
 * Each agent checks in; those offered the deployment install it and report (ok decides the
 * outcome). `parallel` agents at a time, as a fleet would; the failure storm runs one at a time,
 * so "the 21st device is told to wait" is exact.
 */
async function round(agents: Agent[], deploymentId: string, ok: (a: Agent, i: number) => boolean, parallel = 8) {
  let offered = 0;
  for (let i = 0; i < agents.length; i += parallel) {
    await Promise.all(
      agents.slice(i, i + parallel).map(async (a) => {
        const item = (await checkIn(a)).find((x) => x.deploymentId === deploymentId);
        if (item) await reportOutcome(a, item, ok(a, offered++));
      }),
    );
  }
  return offered;
}

const phaseOf = async (id: string) => {
  const rows = await db()
    .select({ deviceId: deploymentAssignments.deviceId, phase: deploymentAssignments.phasePosition })
    .from(deploymentAssignments)
    .where(and(eq(deploymentAssignments.deploymentId, id), isNull(deploymentAssignments.endedAt)));
  return new Map(rows.map((r) => [r.deviceId, r.phase]));
};

describe(`a three-phase deployment to 1,000 simulated devices through the device API (${engine})`, () => {
  it('phase 1 passes its gate, phase 2 starts after the wait, a failure storm halts it, roll-forward completes it', async () => {
    const dana = await actor('dana@example.com');
    const agents = await fleetWithTokens('RingSim', N);
    const target = await siteTarget(dana, 'RingSim');
    const { releases } = await releasesOf('firefox');
    const bad = releases.at(-1)!;
    const { id } = await createDeployment(
      dana,
      plan({
        name: 'Firefox rings',
        releaseId: bad.id,
        targetId: target.id,
        haltFailurePercent: 20,
        haltMinReports: 20,
        phases: [
          phase({ name: 'Pilot 10 %', percent: 10, gatePercent: 90 }),
          phase({ name: 'Half', percent: 50, gatePercent: 90, waitMinutes: 120 }),
          phase({ name: 'Everyone', percent: 100, gatePercent: 90, waitMinutes: 60 }),
        ],
      }),
    );
    await scheduleDeployment(dana, id, 1);
    lap('await scheduleDeployment(dana,');

    // Phase 1: only its devices are offered the release; 97 % succeed, so the gate (90 %) is met.
    let phases = await phaseOf(id);
    const pilot = phases.size;
    expect(pilot).toBeGreaterThan(N * 0.06);
    expect(pilot).toBeLessThan(N * 0.14);
    const pilotAgents = agents.filter((a) => phases.has(a.id));
    const offered1 = await round(pilotAgents, id, (_, i) => i % 33 !== 0);
    // A sample of the other devices checks in too: none of them is offered it yet.
    expect(await round(agents.filter((a) => !phases.has(a.id)).slice(0, 100), id, () => true)).toBe(0);
    lap('const offered1 = await round(a');
    expect(offered1).toBe(pilot);
    const t0 = new Date(Date.now() + 60 * MIN);
    let tick = await runDeploymentSchedule(t0);
    expect(tick.halted).toEqual([]);
    expect(tick.phasesStarted).toEqual([]);
    const gate1 = await db().query.deploymentPhases.findFirst({
      where: and(eq(deploymentPhases.deploymentId, id), eq(deploymentPhases.position, 1)),
    });
    expect(gate1!.gateMetAt).toEqual(t0);

    // Phase 2 waits 120 minutes after the gate, then begins by itself.
    expect((await runDeploymentSchedule(new Date(t0.getTime() + 119 * MIN))).phasesStarted).toEqual([]);
    tick = await runDeploymentSchedule(new Date(t0.getTime() + 120 * MIN));
    expect(tick.phasesStarted).toEqual([{ deploymentId: id, position: 2 }]);
    phases = await phaseOf(id);
    const second = agents.filter((a) => phases.get(a.id) === 2);
    expect(second.length).toBeGreaterThan(N * 0.3);

    // A failure storm in phase 2: the report that reaches 20 % of 20 reports halts it at once.
    const eventsBefore = (await db().select({ id: installEvents.id }).from(installEvents).where(eq(installEvents.deploymentId, id))).length;
    const offered2 = await round(second, id, () => false, 1);
    lap('const offered2 = await round(s');
    const dep = (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!;
    expect(dep.status).toBe('halted');
    expect(offered2).toBe(20); // the 21st device and later ones were told to wait
    const eventsAfter = (await db().select({ id: installEvents.id }).from(installEvents).where(eq(installEvents.deploymentId, id))).length;
    expect(eventsAfter - eventsBefore).toBe(20);
    const halted = await db().query.deploymentPhases.findFirst({
      where: and(eq(deploymentPhases.deploymentId, id), eq(deploymentPhases.position, 2)),
    });
    expect(halted!.haltEvidence).toMatchObject({
      failed: 20,
      reports: 20,
      commonestError: { text: 'MSI 1603: a fatal error during installation', count: 20 },
    });
    // Nothing new starts: no tick starts phase 3 or assigns anyone, and phase-3 devices get nothing.
    tick = await runDeploymentSchedule(new Date(t0.getTime() + 48 * 60 * MIN));
    expect(tick.phasesStarted).toEqual([]);
    expect((await phaseOf(id)).size).toBe(phases.size);
    const third = agents.filter((a) => !phases.has(a.id));
    expect(await round(third.slice(0, 50), id, () => true)).toBe(0);

    // Roll forward to a fixed release: every assigned device is offered it, the gates carry on.
    const { product } = await releasesOf('firefox');
    const fixed = await newerRelease(product.id, '999.0.0');
    await rollForward(dana, id, fixed.release.id, 'MSI fixed');
    lap('await rollForward(dana, id, fi');
    const started = agents.filter((a) => phases.has(a.id));
    expect(await round(started, id, () => true)).toBe(started.length);
    lap('expect(await round(started, id');
    const t1 = new Date(t0.getTime() + 49 * 60 * MIN);
    await runDeploymentSchedule(t1);
    tick = await runDeploymentSchedule(new Date(t1.getTime() + 60 * MIN));
    expect(tick.phasesStarted).toEqual([{ deploymentId: id, position: 3 }]);
    expect(await round(third, id, () => true)).toBe(third.length);
    tick = await runDeploymentSchedule(new Date(t1.getTime() + 120 * MIN));
    expect(tick.completed).toEqual([id]);
  }, 900_000);
});
