import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  auditEvents,
  delegations,
  deploymentAssignments,
  deploymentRevisions,
  deployments,
  environments,
  notifications,
  productPromotionSteps,
  users,
} from '@/db/schema';
import { approvalLink, decideDeployment } from '@/lib/deployments/approval';
import { updateEnvironment } from '@/lib/deployments/environments';
import { runDeploymentSchedule } from '@/lib/deployments/lifecycle';
import { deploymentDecisionInput, deploymentInput, targetInput } from '@/lib/deployments/schema';
import { cancelDeployment, createDeployment, scheduleDeployment, updateDeployment } from '@/lib/deployments/service';
import { createTarget, previewTarget, setTargetArchived, updateTarget } from '@/lib/deployments/targets';
import type { Actor } from '@/lib/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { fleetAt, plan, publishedRelease, report, siteTarget } from '../support/deployment-plans';

const db = setupTestDb();
const dana = () => actor('dana@example.com');

describe(`targets (${engine})`, () => {
  it('previews what the rules select: dimensions AND, values OR, explicit devices added; empty selects nothing', async () => {
    const m = await dana();
    const servers = await previewTarget(m, { kinds: ['server'], platforms: ['linux-x64'] });
    expect(servers.first.map((d) => d.hostname).sort()).toEqual(['srv-live-01', 'srv-live-02', 'srv-stg-01', 'srv-test-01', 'srv-test-02']);
    expect(servers.count).toBe(5);
    const frankfurt = await previewTarget(m, { kinds: ['server'], sites: ['Frankfurt DC', 'Nowhere'] });
    expect(frankfurt.count).toBe(3);
    expect((await previewTarget(m, {})).count).toBe(0);
    const alice = await previewTarget(m, { sites: ['Berlin'], platforms: ['windows-x64'] });
    const plusOne = await previewTarget(m, { sites: ['Berlin'], platforms: ['windows-x64'], deviceIds: [servers.first[0]!.id] });
    expect(plusOne.count).toBe(alice.count + 1);
    const only = await previewTarget(m, { deviceIds: [servers.first[0]!.id] });
    expect(only.count).toBe(1);
    const engineering = await previewTarget(m, {
      groupIds: [(await db().query.groups.findFirst({ where: (g, { eq }) => eq(g.name, 'Engineering') }))!.id],
    });
    expect(engineering.first.map((d) => d.owner).sort()).toEqual(['Alice Anders', 'Alice Anders', 'Maria Manager']);
  });

  it('names the field of an unknown group, device or environment (422) and refuses other roles', async () => {
    const m = await dana();
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(previewTarget(m, { groupIds: [unknown] })).rejects.toMatchObject({ status: 422, field: 'groupIds' });
    await expect(createTarget(m, { name: 'X', description: '', rules: { deviceIds: [unknown] } })).rejects.toMatchObject({
      status: 422,
      field: 'deviceIds',
    });
    await expect(previewTarget(m, { environments: ['prod'] })).rejects.toMatchObject({ status: 422, field: 'environments' });
    for (const email of ['alice@example.com', 'manager@example.com', 'librarian@example.com'])
      await expect(previewTarget(await actor(email), {})).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses hostile input by field: NUL, huge strings, bad ids, too many values', () => {
    const bad = (v: unknown) => {
      const r = targetInput.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(bad({ name: 'a\u0000b', rules: {} })).toEqual(['name']);
    expect(bad({ name: 'x'.repeat(100_000), rules: {} })).toEqual(['name']);
    expect(bad({ name: 'ok', rules: { groupIds: ['not-a-uuid'] } })).toEqual(['rules.groupIds.0']);
    expect(bad({ name: 'ok', rules: { sites: ['\ud800'] } })).toEqual(['rules.sites.0']);
    expect(bad({ name: 'ok', rules: { countries: ['Germany'] } })).toEqual(['rules.countries.0']);
    expect(bad({ name: 'ok', rules: { deviceIds: Array.from({ length: 1001 }, () => crypto.randomUUID()) } })).toEqual(['rules.deviceIds']);
    expect(targetInput.parse({ name: ' ok ', rules: { countries: ['de'], kinds: ['server', 'server'] } })).toMatchObject({
      name: 'ok',
      rules: { countries: ['DE'], kinds: ['server'] },
    });
  });

  it('edits and archives with audit; duplicate names are a 422 on name; archived targets cannot be planned on', async () => {
    const m = await dana();
    const { id } = await createTarget(m, { name: 'Edit me', description: '', rules: { kinds: ['network'] } });
    await expect(createTarget(m, { name: 'Edit me', description: '', rules: {} })).rejects.toMatchObject({ status: 422, field: 'name' });
    await updateTarget(m, id, { name: 'Edited', description: 'd', rules: { kinds: ['network', 'server'] } });
    await setTargetArchived(m, id, true);
    await expect(setTargetArchived(m, id, true)).rejects.toBeInstanceOf(ConflictError);
    await expect(updateTarget(m, 'nope', { name: 'n', description: '', rules: {} })).rejects.toBeInstanceOf(NotFoundError);
    const { release } = await publishedRelease('blender');
    await expect(createDeployment(m, plan({ releaseId: release.id, targetId: id }))).rejects.toMatchObject({
      status: 422,
      field: 'targetId',
    });
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.entityId, id));
    expect(audit.map((a) => a.action).sort()).toEqual(['target.archived', 'target.created', 'target.updated']);
  });
});

const tomorrow = () => new Date(Date.now() + 86_400_000);
const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000);

describe(`deployment lifecycle (${engine})`, () => {
  it('a deployment scheduled after its start activates at once and assigns its devices; the runner then has nothing to do', async () => {
    const m = await dana();
    const fleet = await fleetAt('NowA', 2);
    const target = await siteTarget(m, 'NowA');
    const { release } = await publishedRelease('blender');
    const { id } = await createDeployment(m, plan({ releaseId: release.id, targetId: target.id }));
    expect(await scheduleDeployment(m, id, 1)).toEqual({ status: 'scheduled' });
    const d = (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!;
    expect(d.status).toBe('active');
    const assigned = await db().select().from(deploymentAssignments).where(eq(deploymentAssignments.deploymentId, id));
    expect(assigned.map((a) => a.deviceId).sort()).toEqual(fleet.map((f) => f.id).sort());
    expect((await runDeploymentSchedule()).activated).toEqual([]);
  });

  it('draft → scheduled → active → completed, each change audited and versioned; refused transitions are 409', async () => {
    const m = await dana();
    const fleet = await fleetAt('LifeA', 2);
    const target = await siteTarget(m, 'LifeA');
    const { release } = await publishedRelease('blender');
    const { id } = await createDeployment(m, plan({ releaseId: release.id, targetId: target.id, availableFrom: tomorrow() }));
    await expect(scheduleDeployment(m, id, 2)).rejects.toBeInstanceOf(ConflictError); // stale version
    expect(await scheduleDeployment(m, id, 1)).toEqual({ status: 'scheduled' });
    await expect(scheduleDeployment(m, id, 1)).rejects.toThrow(/Only a draft/);

    // Editing a scheduled deployment needs a reason, bumps the version, writes a revision.
    const input = plan({ releaseId: release.id, targetId: target.id, name: 'Renamed', availableFrom: tomorrow() });
    await expect(updateDeployment(m, id, input, { expectedVersion: 1, reason: '' })).rejects.toMatchObject({
      status: 422,
      field: 'reason',
    });
    expect(await updateDeployment(m, id, input, { expectedVersion: 1, reason: 'Clearer name' })).toEqual({ version: 2 });
    // Another manager still holding version 1 loses: 409, nothing stored.
    const admin = await actor('admin@example.com');
    await expect(updateDeployment(admin, id, { ...input, name: 'Mine' }, { expectedVersion: 1, reason: 'x' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const revs = await db().select().from(deploymentRevisions).where(eq(deploymentRevisions.deploymentId, id));
    expect(revs.map((r) => [r.version, r.reason])).toEqual([
      [1, 'Created'],
      [2, 'Clearer name'],
    ]);

    expect((await runDeploymentSchedule()).activated).toEqual([]); // not before its start
    const run = await runDeploymentSchedule(inTwoDays());
    expect(run.activated).toEqual([id]);
    // Active: who-gets-what is fixed; schedule changes need a reason.
    await expect(updateDeployment(m, id, { ...input, intent: 'available' }, { expectedVersion: 2, reason: 'x' })).rejects.toThrow(
      /keeps its intent/,
    );
    const later = { ...input, deadline: new Date(Date.now() + 3 * 86_400_000) };
    expect(await updateDeployment(m, id, later, { expectedVersion: 2, reason: 'More time' })).toEqual({ version: 3 });

    for (const d of fleet) await report(id, release.id, d, 'install_succeeded');
    expect((await runDeploymentSchedule(inTwoDays())).completed).toEqual([id]);
    await expect(cancelDeployment(m, id, 'too late')).rejects.toThrow(/already completed/);
    await expect(updateDeployment(m, id, later, { expectedVersion: 3, reason: 'x' })).rejects.toBeInstanceOf(ConflictError);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.entityId, id))).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'deployment.created',
        'deployment.scheduled',
        'deployment.updated',
        'deployment.activated',
        'deployment.assigned',
        'deployment.completed',
      ]),
    );
  });

  it('refuses other roles, unknown ids and unusable releases; cancel needs a reason and ends everything', async () => {
    const m = await dana();
    const target = await siteTarget(m, 'LifeB');
    const { release } = await publishedRelease('inkscape');
    for (const email of ['alice@example.com', 'manager@example.com', 'desk@example.com'])
      await expect(createDeployment(await actor(email), plan({ releaseId: release.id, targetId: target.id }))).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(createDeployment(m, plan({ releaseId: unknown, targetId: target.id }))).rejects.toMatchObject({
      status: 422,
      field: 'releaseId',
    });
    await expect(createDeployment(m, plan({ releaseId: release.id, targetId: target.id, environment: 'prod' }))).rejects.toMatchObject({
      field: 'environment',
    });
    await expect(scheduleDeployment(m, 'not-a-uuid', 1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(scheduleDeployment(m, unknown, 1)).rejects.toBeInstanceOf(NotFoundError);
    const { id } = await createDeployment(m, plan({ releaseId: release.id, targetId: target.id }));
    await expect(cancelDeployment(m, id, '  ')).rejects.toBeInstanceOf(ValidationError);
    await expect(cancelDeployment(await actor('alice@example.com'), id, 'no')).rejects.toBeInstanceOf(ForbiddenError);
    await cancelDeployment(m, id, 'Not needed');
    await expect(cancelDeployment(m, id, 'again')).rejects.toBeInstanceOf(ConflictError);
    await expect(scheduleDeployment(m, id, 1)).rejects.toBeInstanceOf(ConflictError);
  });

  it('validates the plan by field: NUL, huge text, bad dates, cut-over only for required, half a window', () => {
    const base = {
      name: 'n',
      releaseId: crypto.randomUUID(),
      targetId: crypto.randomUUID(),
      environment: 'test',
      intent: 'required',
      availableFrom: '2026-12-01T00:00:00Z',
    };
    const fields = (v: object) => {
      const r = deploymentInput.safeParse({ ...base, ...v });
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(fields({})).toEqual([]);
    expect(fields({ name: 'a\u0000' })).toEqual(['name']);
    expect(fields({ changeRef: 'x'.repeat(5000) })).toEqual(['changeRef']);
    expect(fields({ deadline: '2026-11-01T00:00:00Z' })).toEqual(['deadline']);
    expect(fields({ intent: 'available', cutoverAt: '2026-12-02T00:00:00Z' })).toEqual(['cutoverAt']);
    expect(fields({ windowStartMinute: '60' })).toEqual(['windowEndMinute']);
    expect(fields({ windowStartMinute: '60', windowEndMinute: '1440' })).toEqual(['windowEndMinute']);
    expect(fields({ windowTimeZone: 'Mars/Olympus' })).toEqual(['windowTimeZone']);
    expect(fields({ releaseId: 'x' })).toEqual(['releaseId']);
    expect(fields({ availableFrom: 'soon' })).toEqual(['availableFrom']);
  });
});

describe(`environment promotion gate (${engine})`, () => {
  it('staging needs the release to have met the test threshold; a different release does not count', async () => {
    const m = await dana();
    const testFleet = await fleetAt('GateT', 2, { environment: 'test' });
    await fleetAt('GateS', 1, { environment: 'staging' });
    const testTarget = await siteTarget(m, 'GateT');
    const stagingTarget = await siteTarget(m, 'GateS');
    const { release } = await publishedRelease('keepassxc');
    const staging = await createDeployment(m, plan({ releaseId: release.id, targetId: stagingTarget.id, environment: 'staging' }));
    await expect(scheduleDeployment(m, staging.id, 1)).rejects.toThrow(/not yet met the 90% success threshold in Test/);

    const test = await createDeployment(m, plan({ releaseId: release.id, targetId: testTarget.id }));
    await scheduleDeployment(m, test.id, 1);
    await runDeploymentSchedule();
    await report(test.id, release.id, testFleet[0]!, 'install_succeeded');
    await report(test.id, release.id, testFleet[1]!, 'install_failed');
    await expect(scheduleDeployment(m, staging.id, 1)).rejects.toBeInstanceOf(ConflictError); // 1 of 2 < 90 %
    await db().update(environments).set({ successThresholdPercent: 50 }).where(eq(environments.key, 'test'));
    expect(await scheduleDeployment(m, staging.id, 1)).toEqual({ status: 'scheduled' });
    await db().update(environments).set({ successThresholdPercent: 90 }).where(eq(environments.key, 'test'));
    // A later failure after success counts as failed: only the latest outcome per device matters.
    await report(test.id, release.id, testFleet[1]!, 'install_succeeded');
    await report(test.id, release.id, testFleet[0]!, 'install_failed');
    const again = await createDeployment(m, plan({ releaseId: release.id, targetId: stagingTarget.id, environment: 'staging' }));
    await expect(scheduleDeployment(m, again.id, 1)).rejects.toBeInstanceOf(ConflictError);
  });
  it("follows the product's own promotion path when it has one, and only admins change environment settings", async () => {
    const m = await dana();
    const { release, product } = await publishedRelease('postman');
    await db()
      .insert(productPromotionSteps)
      .values([
        { productId: product.id, environment: 'test', position: 1 },
        { productId: product.id, environment: 'live', position: 2 },
      ]);
    await fleetAt('PathL', 1, { environment: 'live' });
    const staging = await createDeployment(
      m,
      plan({ releaseId: release.id, targetId: (await siteTarget(m, 'PathS')).id, environment: 'staging' }),
    );
    await expect(scheduleDeployment(m, staging.id, 1)).rejects.toMatchObject({ status: 422, field: 'environment' });
    const live = await createDeployment(
      m,
      plan({ releaseId: release.id, targetId: (await siteTarget(m, 'PathL')).id, environment: 'live' }),
    );
    await expect(scheduleDeployment(m, live.id, 1)).rejects.toThrow(/in Test, the environment before live/);

    const settings = { name: 'Test', successThresholdPercent: 80, approvalGroupId: null, requiredApprovals: 1 };
    await expect(updateEnvironment(m, 'test', settings)).rejects.toBeInstanceOf(ForbiddenError);
    await updateEnvironment(await actor('admin@example.com'), 'test', settings);
    expect((await db().query.environments.findFirst({ where: eq(environments.key, 'test') }))!.successThresholdPercent).toBe(80);
    await updateEnvironment(await actor('admin@example.com'), 'test', { ...settings, successThresholdPercent: 90 });
    await expect(updateEnvironment(await actor('admin@example.com'), 'nope', settings)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe(`approval of deployments into live (${engine})`, () => {
  async function liveDeployment(site: string) {
    const m = await dana();
    // The release first passes staging (the environment before live), at 100 %.
    const stagingFleet = await fleetAt(`${site}S`, 1, { environment: 'staging' });
    await fleetAt(`${site}L`, 1, { environment: 'live' });
    const { release } = await publishedRelease('vlc-media-player');
    const st = await createDeployment(
      m,
      plan({ releaseId: release.id, targetId: (await siteTarget(m, `${site}S`)).id, environment: 'staging' }),
    );
    await db().update(deployments).set({ status: 'active' }).where(eq(deployments.id, st.id)); // gate of staging itself is tested above
    await db().transaction(async (tx) => (await import('@/lib/deployments/assign')).assignDevices(tx, st.id));
    await report(st.id, release.id, stagingFleet[0]!, 'install_succeeded');
    const live = await createDeployment(
      m,
      // Starts tomorrow: approved today, it waits as scheduled (one whose start has come activates at once).
      plan({ releaseId: release.id, targetId: (await siteTarget(m, `${site}L`)).id, environment: 'live', availableFrom: tomorrow() }),
    );
    expect(await scheduleDeployment(m, live.id, 1)).toEqual({ status: 'pending_approval' });
    return live.id;
  }

  it('needs 2 of the 4 board members; the creator, non-members and repeat decisions are refused; recorded with who and when', async () => {
    const id = await liveDeployment('AppA');
    const [ops1, ops2, sec1, alice, sec2, chris] = (await Promise.all(
      ['ops1@example.com', 'ops2@example.com', 'sec1@example.com', 'alice@example.com', 'sec2@example.com', 'chris@example.com'].map(actor),
    )) as [Actor, Actor, Actor, Actor, Actor, Actor];
    await expect(decideDeployment(alice, { deploymentId: id, version: 1, decision: 'approved', comment: '' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(decideDeployment(sec2, { deploymentId: id, version: 1, decision: 'approved', comment: '' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await decideDeployment(ops1, { deploymentId: id, version: 1, decision: 'approved', comment: 'ok' })).toMatchObject({
      status: 'pending_approval',
      approvals: 1,
      required: 2,
    });
    await expect(decideDeployment(ops1, { deploymentId: id, version: 1, decision: 'approved', comment: '' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(decideDeployment(ops2, { deploymentId: id, version: 9, decision: 'approved', comment: '' })).rejects.toThrow(
      /changed since/,
    );
    // The board was told; the notice is settled (read) once the deployment no longer waits.
    const notices = () =>
      db()
        .select()
        .from(notifications)
        .where(eq(notifications.link, approvalLink(id)));
    expect((await notices()).map((n) => n.userId).sort()).toEqual([ops1.id, ops2.id, sec1.id, chris.id].sort()); // chris: the change manager sits on the board
    expect((await notices()).every((n) => n.readAt === null)).toBe(true);
    expect(await decideDeployment(ops2, { deploymentId: id, version: 1, decision: 'approved', comment: '' })).toMatchObject({
      status: 'scheduled',
      approvals: 2,
    });
    expect((await notices()).every((n) => n.readAt !== null)).toBe(true);
    await expect(decideDeployment(sec1, { deploymentId: id, version: 1, decision: 'approved', comment: '' })).rejects.toThrow(
      /not waiting for approval/,
    );

    // An edit after approval needs a fresh approval: the earlier ones were for version 1.
    const d = (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!;
    const edited = plan({ releaseId: d.releaseId, targetId: d.targetId, environment: 'live', name: 'Later' });
    await updateDeployment(await dana(), id, edited, { expectedVersion: 1, reason: 'Moved' });
    const after = (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!;
    expect(after).toMatchObject({ status: 'pending_approval', version: 2 });
    expect(await decideDeployment(ops1, { deploymentId: id, version: 2, decision: 'approved', comment: '' })).toMatchObject({
      approvals: 1,
    });
  });

  it('refuses self-approval even to a board member who manages deployments; a rejection needs a reason and returns it to draft', async () => {
    const ops1 = await actor('ops1@example.com');
    await db()
      .update(users)
      .set({ roles: ['requester', 'approver', 'deployment_manager'] })
      .where(eq(users.id, ops1.id));
    const boss = await actor('ops1@example.com');
    const target = await siteTarget(await dana(), 'SelfL');
    await fleetAt('SelfL', 1, { environment: 'live' });
    const { release } = await publishedRelease('vlc-media-player');
    const { id } = await createDeployment(boss, plan({ releaseId: release.id, targetId: target.id, environment: 'live' }));
    await db().update(deployments).set({ status: 'pending_approval' }).where(eq(deployments.id, id));
    await expect(decideDeployment(boss, { deploymentId: id, version: 1, decision: 'approved', comment: '' })).rejects.toThrow(
      /you created/,
    );

    expect(deploymentDecisionInput.safeParse({ deploymentId: id, version: 1, decision: 'rejected', comment: ' ' }).success).toBe(false);
    const sec1 = await actor('sec1@example.com');
    expect(await decideDeployment(sec1, { deploymentId: id, version: 1, decision: 'rejected', comment: 'No rollback plan' })).toMatchObject(
      { status: 'draft' },
    );
    const d = (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!;
    expect(d).toMatchObject({ status: 'draft', version: 2 });
    const rev = await db().query.deploymentRevisions.findFirst({
      where: and(eq(deploymentRevisions.deploymentId, id), eq(deploymentRevisions.version, 2)),
    });
    expect(rev?.reason).toMatch(/Rejected by Sid Security: No rollback plan/);
  });

  it('honours delegates: a stand-in approves in the name of the member they stand in for', async () => {
    const id = await liveDeployment('DelA');
    const [ops2, maria] = await Promise.all([actor('ops2@example.com'), actor('manager@example.com')]);
    await db()
      .insert(delegations)
      .values({
        approverId: ops2.id,
        delegateId: maria.id,
        startsAt: new Date(Date.now() - 60_000),
        endsAt: new Date(Date.now() + 86_400_000),
      });
    await decideDeployment(maria, { deploymentId: id, version: 1, decision: 'approved', comment: 'for Olga' });
    await expect(decideDeployment(ops2, { deploymentId: id, version: 1, decision: 'approved', comment: '' })).rejects.toThrow(
      /already been recorded/,
    );
    const row = await db().query.deploymentApprovals.findFirst({ where: (a, { eq }) => eq(a.deploymentId, id) });
    expect(row).toMatchObject({ approverId: maria.id, onBehalfOfId: ops2.id, decision: 'approved' });
    expect(row!.decidedAt).toBeInstanceOf(Date);
  });
});
