import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deploymentPhases } from '@/db/schema';
import { createDeployment, scheduleDeployment } from '@/lib/deployments/service';
import { ForbiddenError } from '@/lib/errors';
import { ringTemplateForm, saveRingTemplate } from '@/lib/rings/delivery';
import { checkGatesNow } from '@/lib/rings/manage';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { fleetAt, phase, plan, publishedRelease, report, siteTarget } from '../support/deployment-plans';

const db = setupTestDb();
const phaseRow = async (id: string, position: number) =>
  (await db().query.deploymentPhases.findFirst({
    where: and(eq(deploymentPhases.deploymentId, id), eq(deploymentPhases.position, position)),
  }))!;

describe(`the librarian's first ring and the manager's gate check (${engine})`, () => {
  it('only a librarian (or admin) reads or saves the ring template; the saved one is what the form shows', async () => {
    const lena = await actor('librarian@example.com');
    const dana = await actor('dana@example.com');
    const alice = await actor('alice@example.com');
    await fleetAt('RingTpl', 2);
    const target = await siteTarget(dana, 'RingTpl');
    const { product } = await publishedRelease('obsidian');
    const template = {
      name: 'Pilot ring',
      targetId: target.id,
      environment: 'test',
      intent: 'available' as const,
      haltFailurePercent: 25,
      haltMinReports: 8,
      phases: [phase({ name: 'Pilot', targetId: target.id, gateCount: 2 }), phase({ name: 'Rest', percent: 100, waitMinutes: 90 })],
    };
    for (const who of [dana, alice]) {
      await expect(saveRingTemplate(who, product.id, template)).rejects.toThrow(ForbiddenError);
      await expect(ringTemplateForm(who, product.id)).rejects.toThrow(ForbiddenError);
    }
    expect((await ringTemplateForm(lena, product.id)).template).toBeNull();
    await saveRingTemplate(lena, product.id, template);
    const form = await ringTemplateForm(lena, product.id);
    expect(form.template).toMatchObject({
      name: 'Pilot ring',
      targetId: target.id,
      environment: 'test',
      intent: 'available',
      haltFailurePercent: 25,
      haltMinReports: 8,
    });
    expect(form.template!.phases.map((p) => [p.name, p.targetId ?? null, p.percent ?? null, p.gateCount ?? null, p.waitMinutes])).toEqual([
      ['Pilot', target.id, null, 2, 0],
      ['Rest', null, 100, null, 90],
    ]);
    expect(form.targets.map((t) => t.id)).toContain(target.id);
    expect(form.environments.map((e) => e.key)).toEqual(expect.arrayContaining(['test', 'live']));
  });

  it("a manager's gate check applies the tick's rules now: a met gate with no wait starts the next phase; others are refused", async () => {
    const dana = await actor('dana@example.com');
    const alice = await actor('alice@example.com');
    const fleet = await fleetAt('RingCheck', 4);
    const target = await siteTarget(dana, 'RingCheck');
    const { release } = await publishedRelease('firefox');
    const { id } = await createDeployment(
      dana,
      plan({
        releaseId: release.id,
        targetId: target.id,
        phases: [phase({ name: 'Pilot', percent: 50, gateCount: 1 }), phase({ name: 'Rest', percent: 100 })],
      }),
    );
    await scheduleDeployment(dana, id, 1);
    await expect(checkGatesNow(alice, id)).rejects.toThrow(ForbiddenError);
    expect(await checkGatesNow(dana, id)).toEqual({ halted: [], gatesMet: [], started: [] });
    const pilot = await db().query.deploymentAssignments.findFirst({ where: (a, { eq: is }) => is(a.deploymentId, id) });
    await report(
      id,
      release.id,
      fleet.find((d) => d.id === pilot!.deviceId)!,
      'install_succeeded',
    );
    expect(await checkGatesNow(dana, id)).toEqual({
      halted: [],
      gatesMet: [{ deploymentId: id, position: 1 }],
      started: [{ deploymentId: id, position: 2 }],
    });
    expect((await phaseRow(id, 1)).gateMetAt).not.toBeNull();
    expect((await phaseRow(id, 2)).startedAt).not.toBeNull();
  });
});
