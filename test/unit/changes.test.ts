import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, changeRecords, deployments, productPromotionSteps } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { changeDetail } from '@/lib/changes/queries';
import { createChange, decideChange, moveChange } from '@/lib/changes/service';
import { createDeployment, scheduleDeployment, updateDeployment } from '@/lib/deployments/service';
import { ForbiddenError } from '@/lib/errors';
import { rollBack } from '@/lib/rings/manage';
import { actor } from '../support/actors';
import { approvedChange } from '../support/changes';
import { engine, setupTestDb } from '../support/db';
import { fleetAt, newerRelease, plan, publishedRelease, siteTarget } from '../support/deployment-plans';

const db = setupTestDb();
const day = 86_400_000;
const inDays = (d: number) => new Date(Date.now() + d * day);

/** A draft into live of a release that already passed staging (so only the change gate is in the way). */
async function liveDraft(site: string, over: { changeRef?: string; availableFrom?: Date; deadline?: Date; releaseId?: string } = {}) {
  const m = await actor('dana@example.com');
  const { release, product } = await publishedRelease('vlc-media-player');
  // Its own promotion path is live alone: the promotion gate (tested elsewhere) is not in the way.
  await db().insert(productPromotionSteps).values({ productId: product.id, environment: 'live', position: 1 }).onConflictDoNothing();
  await fleetAt(`${site}L`, 1, { environment: 'live' });
  const { id } = await createDeployment(
    m,
    plan({ releaseId: release.id, targetId: (await siteTarget(m, `${site}L`)).id, environment: 'live', availableFrom: inDays(1), ...over }),
  );
  return { m, id };
}

describe(`the change gate on live deployments (${engine})`, () => {
  it('refuses none, an unknown, an unapproved and a missed window (422 naming changeRef); an approved covering change passes', async () => {
    const requested = await approvedChange({ state: 'requested' });
    const short = await approvedChange({ windowStart: inDays(0), windowEnd: inDays(2) });
    for (const [site, over, message] of [
      ['GateNone', { changeRef: '' }, /needs the reference of an approved change/],
      ['GateUnknown', { changeRef: 'CHG-NOPE' }, /No change record CHG-NOPE/],
      ['GateUnapproved', { changeRef: requested.reference }, /is requested, not approved/],
      ['GateWindow', { changeRef: short.reference, deadline: inDays(5) }, /does not cover/],
    ] as const) {
      const { m, id } = await liveDraft(site, over);
      await expect(scheduleDeployment(m, id, 1)).rejects.toMatchObject({
        status: 422,
        field: 'changeRef',
        message: expect.stringMatching(message),
      });
    }
    const { m, id } = await liveDraft('GateOk', { changeRef: short.reference });
    expect(await scheduleDeployment(m, id, 1)).toEqual({ status: 'pending_approval' });
    // Moving it out of the window afterwards is refused too.
    const { release } = await publishedRelease('vlc-media-player');
    const d = (await db().query.deployments.findFirst({ where: (t, { eq: e }) => e(t.id, id) }))!;
    await expect(
      updateDeployment(
        m,
        id,
        plan({ releaseId: release.id, targetId: d.targetId, environment: 'live', changeRef: short.reference, availableFrom: inDays(4) }),
        {
          expectedVersion: 1,
          reason: 'later',
        },
      ),
    ).rejects.toMatchObject({ status: 422, field: 'changeRef' });
  });
});

describe(`change records (${engine})`, () => {
  const people = async () =>
    (await Promise.all(
      ['chris@example.com', 'ops1@example.com', 'ops2@example.com', 'dana@example.com', 'alice@example.com'].map(actor),
    )) as [Actor, Actor, Actor, Actor, Actor];

  it('a normal change needs N of the live board; an emergency one member; a standard one from a change manager is pre-approved', async () => {
    const [chris, ops1, ops2, dana, alice] = await people();
    const window = { windowStart: inDays(1), windowEnd: inDays(2) };
    const normal = await createChange(dana, { reference: 'CHG-N-1', title: 'Core upgrade', kind: 'normal', ...window });
    expect(normal.state).toBe('requested');
    await expect(decideChange(dana, { changeId: normal.id, decision: 'approved' })).rejects.toBeInstanceOf(ForbiddenError); // own change
    await expect(decideChange(alice, { changeId: normal.id, decision: 'approved' })).rejects.toBeInstanceOf(ForbiddenError); // not on the board
    expect(await decideChange(chris, { changeId: normal.id, decision: 'approved' })).toMatchObject({
      state: 'requested',
      approvals: 1,
      required: 2,
    });
    await expect(decideChange(chris, { changeId: normal.id, decision: 'approved' })).rejects.toMatchObject({ status: 409 });
    expect(await decideChange(ops1, { changeId: normal.id, decision: 'approved' })).toMatchObject({ state: 'approved', approvals: 2 });
    expect((await changeDetail(chris, normal.id)).history.map((h) => [h.what, h.by])).toEqual([
      ['Requested', dana.name],
      ['Approval given', chris.name],
      ['Approval given', ops1.name],
      ['Approved (enough approvals)', ops1.name],
    ]);

    const emergency = await createChange(dana, {
      reference: 'CHG-E-1',
      title: 'Zero-day patch',
      kind: 'emergency',
      windowStart: inDays(-0.01),
      windowEnd: inDays(0.5),
    });
    expect(await decideChange(ops2, { changeId: emergency.id, decision: 'approved' })).toMatchObject({ state: 'approved', required: 1 });
    // …and it opens the gate for an urgent live deployment at once.
    const { m, id } = await liveDraft('Emergency', { changeRef: 'CHG-E-1', availableFrom: new Date() });
    expect(await scheduleDeployment(m, id, 1)).toEqual({ status: 'pending_approval' });

    expect(await createChange(chris, { reference: 'CHG-S-1', title: 'Monthly patches', kind: 'standard', ...window })).toMatchObject({
      state: 'approved',
    });
    await expect(
      createChange(chris, { reference: 'chg-s-1x', title: 'x', kind: 'standard', windowStart: inDays(2), windowEnd: inDays(1) }),
    ).rejects.toMatchObject({ field: 'windowEnd' });
    await expect(createChange(chris, { reference: 'CHG-S-1', title: 'again', kind: 'standard', ...window })).rejects.toMatchObject({
      status: 409,
      field: 'reference',
    });
    await expect(createChange(alice, { reference: 'CHG-A-1', title: 'x', kind: 'normal', ...window })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('a rejection needs a reason and ends it; concurrent approvals count once each; the lifecycle moves forward only', async () => {
    const [chris, ops1, ops2, dana] = await people();
    const window = { windowStart: inDays(1), windowEnd: inDays(2) };
    const c = await createChange(dana, { reference: 'CHG-R-1', title: 'Risky', kind: 'normal', ...window });
    await expect(decideChange(chris, { changeId: c.id, decision: 'rejected' })).rejects.toMatchObject({ field: 'comment' });
    expect(await decideChange(chris, { changeId: c.id, decision: 'rejected', comment: 'No rollback plan' })).toMatchObject({
      state: 'rejected',
    });
    expect((await db().query.changeRecords.findFirst({ where: eq(changeRecords.id, c.id) }))!.rejectedReason).toBe('No rollback plan');

    const race = await createChange(dana, { reference: 'CHG-R-2', title: 'Race', kind: 'normal', ...window });
    const results = await Promise.allSettled([chris, ops1, ops2].map((a) => decideChange(a, { changeId: race.id, decision: 'approved' })));
    const won = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ state: string }>).value.state);
    expect(won).toContain('approved');
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.status === 409)).toBe(true);

    await expect(moveChange(chris, { changeId: race.id, to: 'closed' })).rejects.toMatchObject({ status: 409 });
    await moveChange(chris, { changeId: race.id, to: 'scheduled' });
    await moveChange(chris, { changeId: race.id, to: 'implemented' });
    await moveChange(chris, { changeId: race.id, to: 'closed' });
    await expect(moveChange(dana, { changeId: race.id, to: 'closed' })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await changeDetail(chris, c.id)).history.map((h) => h.what)).toEqual([
      'Requested',
      'Approval refused',
      'Rejected: No rollback plan',
    ]);
    expect((await changeDetail(chris, race.id)).history.map((h) => h.what).slice(-3)).toEqual([
      'Moved to scheduled',
      'Moved to implemented',
      'Moved to closed',
    ]);
  });
});

describe(`rolling back a live deployment (${engine})`, () => {
  /** An active live deployment of a new (bad) release, made under `changeRef`. */
  async function activeLive(site: string, changeRef: string | null) {
    const m = await actor('dana@example.com');
    const { product } = await publishedRelease('vlc-media-player');
    const bad = await newerRelease(product.id, `990.${Math.floor(Math.random() * 1e6)}.0`);
    const { id } = await liveDraft(site, { changeRef: changeRef ?? '', releaseId: bad.release.id });
    // As if approved and started (the gates on the way there are tested above).
    await db().update(deployments).set({ status: 'active', activatedAt: new Date(), changeRef }).where(eq(deployments.id, id));
    return { m, id };
  }

  it("is the change's remediation: no new approval, recorded on the change; refused when there was no change", async () => {
    const change = await approvedChange();
    const { m, id } = await activeLive('BackChg', change.reference);
    // Carried out already: a rollback under it still needs no new approval.
    await db().update(changeRecords).set({ state: 'implemented' }).where(eq(changeRecords.id, change.id));
    const back = await rollBack(m, id, 'crashes on start');
    expect((await db().query.deployments.findFirst({ where: eq(deployments.id, back.id) }))!.changeRef).toBe(change.reference);
    const onChange = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'change'), eq(auditEvents.entityId, change.id)));
    expect(onChange).toEqual([
      expect.objectContaining({
        action: 'change.remediation_carried_out',
        after: expect.objectContaining({ deploymentId: id, rollbackDeploymentId: back.id, reason: 'crashes on start' }),
      }),
    ]);
    // The change's page lists both deployments under it and says what was done, by whom.
    const detail = await changeDetail(await actor('chris@example.com'), change.id);
    expect(detail.deployments.map((d) => d.id).sort()).toEqual([id, back.id].sort());
    expect(detail.history).toEqual([
      expect.objectContaining({
        what: expect.stringMatching(/^Remediation: rolled back from 990\.\d+\.0 to .+ on \d+ device\(s\)$/),
        by: m.name,
      }),
    ]);

    const none = await activeLive('BackNone', null);
    await expect(rollBack(none.m, none.id, 'crashes')).rejects.toMatchObject({ status: 422, field: 'changeRef' });
    expect((await db().query.deployments.findFirst({ where: eq(deployments.id, none.id) }))!.status).toBe('active');
  });
});
