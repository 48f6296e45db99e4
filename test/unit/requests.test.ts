import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  approvals,
  approvalStages,
  devices,
  entitlements,
  groupMembers,
  groups,
  notifications,
  products,
  serviceRequests,
  users,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { decide } from '@/lib/requests/decide';
import { createDelegation, endDelegation, listDelegations } from '@/lib/requests/delegation';
import { cancelRequest, sweepRequests } from '@/lib/requests/lifecycle';
import { getRequestDetail, listInbox } from '@/lib/requests/queries';
import { decisionInput, requestInput } from '@/lib/requests/schema';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const productId = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id;
const deviceId = async (hostname: string) => (await db().query.devices.findFirst({ where: eq(devices.hostname, hostname) }))!.id;
const why = 'I need this for the quarterly release work.';
const ask = async (who: Actor, slug: string, host: string, releaseId?: string) =>
  submitRequest(
    who,
    requestInput.parse({ productId: await productId(slug), deviceId: await deviceId(host), justification: why, releaseId }),
  );
const approve = (who: Actor, requestId: string, comment = '') =>
  decide(who, decisionInput.parse({ requestId, decision: 'approved', comment }));
const reject = (who: Actor, requestId: string, comment: string) =>
  decide(who, decisionInput.parse({ requestId, decision: 'rejected', comment }));
const statusOf = async (id: string) => (await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, id) }))!.status;

describe(`service requests and approvals (${engine})`, () => {
  it('manager approval: inbox, decision, entitlement with a seat, notification and full history', async () => {
    const [alice, maria, bob] = await Promise.all([actor('alice@example.com'), actor('manager@example.com'), actor('bob@example.com')]);
    const r = await ask(alice, 'intellij-idea', 'ALICE-LT-4411');
    expect(r.status).toBe('pending_approval');
    expect((await listInbox(maria)).rows.map((x) => x.id)).toContain(r.id);
    expect((await listInbox(bob)).rows.map((x) => x.id)).not.toContain(r.id);
    await expect(approve(alice, r.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(approve(bob, r.id)).rejects.toBeInstanceOf(ForbiddenError);

    expect((await approve(maria, r.id, 'Go ahead')).status).toBe('approved');
    const e = await db().query.entitlements.findFirst({ where: eq(entitlements.requestId, r.id) });
    expect(e).toMatchObject({
      userId: alice.id,
      deviceId: await deviceId('ALICE-LT-4411'),
      holdsSeat: true,
      status: 'active',
      includesLaterReleases: true,
    });
    const told = await db().select().from(notifications).where(eq(notifications.userId, alice.id));
    expect(told.map((n) => n.title)).toContain('IntelliJ IDEA Ultimate is approved and ready to download');

    const detail = await getRequestDetail(alice, r.id);
    expect(detail.history.map((h) => [h.action, h.actor])).toEqual([
      ['request.submitted', 'Alice Anders'],
      ['approval.approved', 'Maria Manager'],
      ['request.approved', 'Maria Manager'],
    ]);
    expect(detail.history[1]?.detail).toContain('Go ahead');
    expect(detail.downloads.length).toBe(1);
    await expect(getRequestDetail(bob, r.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listInbox(maria)).rows.map((x) => x.id)).not.toContain(r.id);
  });

  it('only active approvers decide: a removed approver role stops a session at once, and nobody without it is asked', async () => {
    const [alice, maria, fiona, sid] = [
      await actor('alice@example.com'),
      await actor('manager@example.com'),
      await actor('fiona@example.com'),
      await actor('sec1@example.com'),
    ];
    const r = await ask(alice, 'wireshark', 'ALICE-LT-4411');
    await db()
      .update(users)
      .set({ roles: ['requester'] })
      .where(eq(users.id, maria.id));
    // Maria's session (the actor passed in) still says approver; the database does not.
    await expect(approve(maria, r.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await listInbox(maria)).rows.map((x) => x.id)).not.toContain(r.id);
    await db()
      .update(users)
      .set({ roles: ['requester', 'approver'] })
      .where(eq(users.id, maria.id));

    // A Security Team member without the approver role is neither told nor able to decide stage 2.
    const [security] = await db().select().from(groups).where(eq(groups.name, 'Security Team'));
    await db().insert(groupMembers).values({ groupId: security!.id, userId: fiona.id });
    const told = async (who: Actor) => db().$count(notifications, eq(notifications.userId, who.id));
    const [fionaBefore, sidBefore] = [await told(fiona), await told(sid)];
    expect(await approve(maria, r.id)).toMatchObject({ stage: 2 });
    expect(await told(fiona)).toBe(fionaBefore);
    expect(await told(sid)).toBe(sidBefore + 1);
    await expect(approve(fiona, r.id)).rejects.toBeInstanceOf(ForbiddenError);
    await db().delete(groupMembers).where(eq(groupMembers.userId, fiona.id));
    await reject(sid, r.id, 'Not needed after all.');
  });

  it('several stages in order: manager, then the Security Team', async () => {
    const [alice, maria, sid] = await Promise.all([actor('alice@example.com'), actor('manager@example.com'), actor('sec1@example.com')]);
    const r = await ask(alice, 'wireshark', 'alice-mbp');
    expect((await listInbox(sid)).rows.map((x) => x.id)).not.toContain(r.id); // not their stage yet
    expect(await approve(maria, r.id)).toMatchObject({ status: 'pending_approval', stage: 2 });
    expect((await listInbox(sid)).rows.map((x) => x.id)).toContain(r.id);
    await expect(approve(maria, r.id)).rejects.toBeInstanceOf(ForbiddenError); // stage 2 is not hers
    expect((await approve(sid, r.id)).status).toBe('approved');
  });

  it('N of M: two distinct IT Operations approvers are needed, each counts once', async () => {
    const [sid, selma, otto, olga] = await Promise.all(['sec1', 'sec2', 'ops1', 'ops2'].map((u) => actor(`${u}@example.com`)));
    const r = await ask(sid!, 'crowdstrike-falcon-sensor', 'sec-ws-01');
    await expect(approve(sid!, r.id)).rejects.toBeInstanceOf(ForbiddenError); // own request
    expect(await approve(selma!, r.id)).toMatchObject({ stage: 2 });
    expect(await approve(otto!, r.id)).toMatchObject({ status: 'pending_approval', stage: 2 });
    await expect(approve(otto!, r.id)).rejects.toBeInstanceOf(ConflictError);
    expect((await approve(olga!, r.id)).status).toBe('approved');
  });

  it('a rejection needs a reason, ends the request and tells the requester', async () => {
    const [alice, maria] = await Promise.all([actor('alice@example.com'), actor('manager@example.com')]);
    expect(decisionInput.safeParse({ requestId: crypto.randomUUID(), decision: 'rejected', comment: ' ' }).error?.issues[0]).toMatchObject({
      path: ['comment'],
      message: 'Give the reason for rejecting.',
    });
    const r = await ask(alice, 'docker-desktop', 'alice-mbp');
    expect((await reject(maria, r.id, 'Use Podman, it is already licensed')).status).toBe('rejected');
    const row = await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, r.id) });
    expect(row?.closedReason).toBe('Use Podman, it is already licensed');
    await expect(approve(maria, r.id)).rejects.toBeInstanceOf(ConflictError);
    expect(await db().$count(entitlements, eq(entitlements.requestId, r.id))).toBe(0);
  });

  it('the requester cancels a pending request; nobody else can', async () => {
    const [alice, bob] = await Promise.all([actor('alice@example.com'), actor('bob@example.com')]);
    const r = await ask(alice, 'microsoft-365-apps', 'ALICE-LT-4411');
    await expect(cancelRequest(bob, r.id)).rejects.toBeInstanceOf(NotFoundError);
    await cancelRequest(alice, r.id);
    expect(await statusOf(r.id)).toBe('cancelled');
    await expect(cancelRequest(alice, r.id)).rejects.toBeInstanceOf(ConflictError);
    // Cancelled, so a new request is possible again.
    expect((await ask(alice, 'microsoft-365-apps', 'ALICE-LT-4411')).status).toBe('pending_approval');
  });

  it('an overdue stage expires the request and the requester is told', async () => {
    const fiona = await actor('fiona@example.com');
    const r = await ask(fiona, 'figma', 'FIN-LT-0192');
    // Overdue but not yet swept: nobody can decide it any more.
    const due = (await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, r.id) }))!.stageDueAt;
    await db()
      .update(serviceRequests)
      .set({ stageDueAt: new Date(Date.now() - 1000) })
      .where(eq(serviceRequests.id, r.id));
    await expect(approve(await actor('manager@example.com'), r.id)).rejects.toThrow(/passed its due date/);
    await db().update(serviceRequests).set({ stageDueAt: due }).where(eq(serviceRequests.id, r.id));
    const timeout = (await db().query.products.findFirst({ where: eq(products.slug, 'figma') }))!.approvalTimeoutHours;
    expect(await sweepRequests(new Date(Date.now() + (timeout - 1) * 3_600_000))).toMatchObject({ expired: 0 });
    expect(await statusOf(r.id)).toBe('pending_approval');
    const swept = await sweepRequests(new Date(Date.now() + (timeout + 1) * 3_600_000));
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect(await statusOf(r.id)).toBe('expired');
    const told = await db().select().from(notifications).where(eq(notifications.userId, fiona.id));
    expect(told.map((n) => n.title)).toContain('Your request for Figma Desktop expired');
    await expect(approve(await actor('manager@example.com'), r.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('a delegate decides on behalf of the approver, recorded as such', async () => {
    const [bob, maria, otto] = await Promise.all([actor('bob@example.com'), actor('manager@example.com'), actor('ops1@example.com')]);
    const r = await ask(bob, 'adobe-photoshop', 'bob-studio');
    expect((await listInbox(otto)).rows.map((x) => x.id)).not.toContain(r.id);
    await createDelegation(maria, {
      delegateId: otto.id,
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 86_400_000),
    });
    const inbox = await listInbox(otto);
    expect(inbox.rows.find((x) => x.id === r.id)?.onBehalfOf).toBe('Maria Manager');
    expect((await approve(otto, r.id)).status).toBe('approved');
    const [row] = await db().select().from(approvals).where(eq(approvals.requestId, r.id));
    expect(row).toMatchObject({ approverId: otto.id, onBehalfOfId: maria.id });
    const detail = await getRequestDetail(bob, r.id);
    expect(detail.history.find((h) => h.action === 'approval.approved')?.detail).toContain('on behalf of Maria Manager');
  });

  it('nobody approves their own request, not even an admin in the approving group', async () => {
    const ada = await actor('admin@example.com'); // admin, member of IT Operations
    const git = await productId('git');
    const itOps = (await db().query.groups.findFirst({ where: eq(groups.name, 'IT Operations') }))!.id;
    await db().insert(approvalStages).values({ productId: git, position: 1, kind: 'group', groupId: itOps });
    const device = await db()
      .insert(devices)
      .values({ ownerId: ada.id, hostname: 'ADA-LT', platform: 'linux-x64', status: 'active' })
      .returning();
    const r = await submitRequest(ada, requestInput.parse({ productId: git, deviceId: device[0]!.id, justification: why }));
    await expect(approve(ada, r.id)).rejects.toThrow('You cannot decide your own request.');
    expect((await listInbox(ada)).rows.map((x) => x.id)).not.toContain(r.id);
    expect((await approve(await actor('ops1@example.com'), r.id)).status).toBe('approved');
  });

  it('says so instead of duplicating an entitlement or an open request', async () => {
    const alice = await actor('alice@example.com');
    expect((await ask(alice, 'firefox', 'alice-mbp')).status).toBe('approved'); // no policy: automatic
    await expect(ask(alice, 'firefox', 'alice-mbp')).rejects.toThrow('You already have Mozilla Firefox for alice-mbp.');
    await ask(alice, 'docker-desktop', 'ALICE-LT-4411');
    await expect(ask(alice, 'docker-desktop', 'ALICE-LT-4411')).rejects.toThrow(/already have an open request/);
  });

  it('refuses unknown, foreign and mismatched devices with the field at fault, storing nothing', async () => {
    const alice = await actor('alice@example.com');
    const before = await db().$count(serviceRequests);
    const base = { productId: await productId('slack'), justification: why };
    const attempt = (deviceId: string) => submitRequest(alice, requestInput.parse({ ...base, deviceId }));
    await expect(attempt(crypto.randomUUID())).rejects.toMatchObject({ field: 'deviceId' });
    await expect(attempt(await deviceId('bob-studio'))).rejects.toMatchObject({
      field: 'deviceId',
      message: 'Choose one of your own devices.',
    });
    const xcode = submitRequest(
      alice,
      requestInput.parse({ productId: await productId('xcode'), deviceId: await deviceId('ALICE-LT-4411'), justification: why }),
    );
    await expect(xcode).rejects.toBeInstanceOf(ValidationError);
    await expect(xcode).rejects.toMatchObject({ field: 'deviceId' });
    expect(requestInput.safeParse({ ...base, deviceId: 'nope', justification: 'short' }).error?.issues.map((i) => i.path[0])).toEqual([
      'deviceId',
      'justification',
    ]);
    // A product hidden from the requester cannot be requested by id either.
    await expect(
      submitRequest(
        alice,
        requestInput.parse({ productId: await productId('adobe-photoshop'), deviceId: await deviceId('alice-mbp'), justification: why }),
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await db().$count(serviceRequests)).toBe(before);
  });
});

describe(`delegations (${engine})`, () => {
  it('ends a running delegation now and cancels one that has not started', async () => {
    const [maria, otto] = await Promise.all([actor('manager@example.com'), actor('ops1@example.com')]);
    const running = await createDelegation(maria, {
      delegateId: otto.id,
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 86_400_000),
    });
    const future = await createDelegation(maria, {
      delegateId: otto.id,
      startsAt: new Date(Date.now() + 86_400_000),
      endsAt: new Date(Date.now() + 2 * 86_400_000),
    });
    await endDelegation(maria, running.id);
    await endDelegation(maria, future.id);
    const { given } = await listDelegations(maria);
    expect(given.map((d) => d.id)).not.toContain(running.id);
    expect(given.map((d) => d.id)).not.toContain(future.id);
    await expect(endDelegation(otto, running.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      createDelegation(maria, { delegateId: maria.id, startsAt: new Date(), endsAt: new Date(Date.now() + 1000) }),
    ).rejects.toMatchObject({ field: 'delegateId' });
  });
});
