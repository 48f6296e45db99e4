import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { approvalLinks, auditEvents, devices, groupMembers, groups, products, serviceRequests, users } from '@/db/schema';
import { decideByLink, inspectApprovalLink } from '@/lib/approval-links/service';
import { issueApprovalLink } from '@/lib/approval-links/issue';
import type { Actor } from '@/lib/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { decide } from '@/lib/requests/decide';
import { createDelegation } from '@/lib/requests/delegation';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { runJobWorker } from '../support/jobs';
import { approvalTokens, startMailbox } from '../support/mail';

// Approval mails carry links only when mail is on: SMTP_URL is set before lib/env is imported.
const port = vi.hoisted(() => {
  const p = 20000 + Math.floor(Math.random() * 20000);
  process.env.SMTP_URL = `smtp://127.0.0.1:${p}`;
  return p;
});

const db = setupTestDb();
const mailbox = startMailbox(port);
beforeAll(mailbox.listen);
afterAll(mailbox.close);
runJobWorker();

const bySlug = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id;

/** A device of the requester's own, so each test's request is the only open one on it. */
async function freshDevice(owner: Actor, platform: 'windows-x64' | 'macos-arm64' = 'windows-x64') {
  const [d] = await db()
    .insert(devices)
    .values({ ownerId: owner.id, hostname: `links-${Math.random().toString(36).slice(2, 8)}`, platform, status: 'active' })
    .returning();
  return d!.id;
}

/** Submits a request and waits for the approver's mail; returns the request and the mail's tokens. */
async function requestAndMail(requester: Actor, slug: string, approverEmail: string) {
  const justification = `Needed for quarter close ${Math.random().toString(36).slice(2, 10)}`;
  const r = await submitRequest(requester, { productId: await bySlug(slug), deviceId: await freshDevice(requester), justification });
  await expect.poll(() => approvalTokens(mailbox.received, approverEmail, justification), { timeout: 15_000 }).toBeDefined();
  return { request: r, tokens: approvalTokens(mailbox.received, approverEmail, justification)! };
}

const statusOf = async (id: string) => (await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, id) }))!;
describe(`approving from the e-mail (${engine})`, () => {
  it('the approver mail carries approve and reject links; opening one decides nothing; approving moves the stage on, once', async () => {
    const fiona = await actor('fiona@example.com');
    const { request, tokens } = await requestAndMail(fiona, 'contoso-ledger-desktop', 'manager@example.com');
    expect(tokens.approve).toBe(tokens.reject); // one link per approver and stage: one decision
    expect(tokens.mail.text).toContain('expire in 72 hours');

    // A mail scanner opening the link twice changes nothing.
    for (let i = 0; i < 2; i++) expect((await inspectApprovalLink(tokens.approve, null)).state).toBe('ready');
    expect((await statusOf(request.id)).currentStage).toBe(1);

    const result = await decideByLink(tokens.approve, { decision: 'approved', comment: '' }, null);
    expect(result).toMatchObject({ status: 'pending_approval', stage: 2 });
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, request.id), eq(auditEvents.action, 'approval.approved')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ via: 'e-mail link' });
    expect(audit[0]!.actorId).toBe((await actor('manager@example.com')).id);

    // Used: refused, and nothing more decided; the page says so too.
    await expect(decideByLink(tokens.approve, { decision: 'rejected', comment: 'changed my mind' }, null)).rejects.toThrow(/already used/);
    expect(await inspectApprovalLink(tokens.approve, null)).toEqual({ state: 'gone', reason: 'used' });
    expect((await statusOf(request.id)).status).toBe('pending_approval');

    // Finance's approver gets a mail with links of their own for the next stage; rejecting needs a reason.
    const justification = (await statusOf(request.id)).justification;
    await expect.poll(() => approvalTokens(mailbox.received, 'felix@example.com', justification), { timeout: 15_000 }).toBeDefined();
    const felix = approvalTokens(mailbox.received, 'felix@example.com', justification)!;
    await expect(decideByLink(felix.reject, { decision: 'rejected', comment: '  ' }, null)).rejects.toThrow(ValidationError);
    expect((await inspectApprovalLink(felix.reject, null)).state).toBe('ready'); // a refused decision consumes nothing
    expect(await decideByLink(felix.reject, { decision: 'rejected', comment: 'Not in the budget' }, null)).toMatchObject({
      status: 'rejected',
    });
    expect((await statusOf(request.id)).closedReason).toBe('Not in the budget');
  });

  it('two clicks at once: exactly one decision, the other is told the link was used', async () => {
    const alice = await actor('alice@example.com');
    const { request, tokens } = await requestAndMail(alice, 'intellij-idea', 'manager@example.com');
    const outcomes = await Promise.allSettled([
      decideByLink(tokens.approve, { decision: 'approved', comment: '' }, null),
      decideByLink(tokens.approve, { decision: 'approved', comment: '' }, null),
      decideByLink(tokens.reject, { decision: 'rejected', comment: 'No' }, null),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect(o.reason).toBeInstanceOf(ConflictError);
      expect(String(o.reason.message)).toMatch(/already used/);
    }
    const decided = await db().execute(sql`select count(*)::int as n from approvals where request_id = ${request.id}`);
    expect((decided as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(1);
  });

  it('a stale link (decided in the browser first) or an expired one decides nothing', async () => {
    const bob = await actor('bob@example.com');
    const maria = await actor('manager@example.com');
    const first = await requestAndMail(bob, 'docker-desktop', 'manager@example.com');
    await decide(maria, { requestId: first.request.id, decision: 'approved', comment: '' });
    expect(await inspectApprovalLink(first.tokens.approve, null)).toEqual({ state: 'gone', reason: 'stale' });
    await expect(decideByLink(first.tokens.approve, { decision: 'rejected', comment: 'late' }, null)).rejects.toThrow(ConflictError);
    expect((await statusOf(first.request.id)).status).not.toBe('rejected');

    const second = await requestAndMail(bob, 'figma', 'manager@example.com');
    await db()
      .update(approvalLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(approvalLinks.requestId, second.request.id));
    expect(await inspectApprovalLink(second.tokens.approve, null)).toEqual({ state: 'gone', reason: 'expired' });
    await expect(decideByLink(second.tokens.approve, { decision: 'approved', comment: '' }, null)).rejects.toThrow(/expired/);
    expect((await statusOf(second.request.id)).status).toBe('pending_approval');

    await expect(decideByLink('x'.repeat(43), { decision: 'approved', comment: '' }, null)).rejects.toThrow(NotFoundError);
    expect(await inspectApprovalLink('not-a-token', null)).toEqual({ state: 'gone', reason: 'unknown' });
  });

  it('the link acts only for its approver: not for someone signed in as another, not after they leave the group or are disabled', async () => {
    const fiona = await actor('fiona@example.com');
    const maria = await actor('manager@example.com');
    const { request } = await requestAndMail(fiona, 'contoso-ledger-desktop', 'manager@example.com');
    await decide(maria, { requestId: request.id, decision: 'approved', comment: '' });
    const justification = (await statusOf(request.id)).justification;
    await expect.poll(() => approvalTokens(mailbox.received, 'felix@example.com', justification), { timeout: 15_000 }).toBeDefined();
    const { approve } = approvalTokens(mailbox.received, 'felix@example.com', justification)!;

    // Someone else's session in this browser: refused, and the link still works for Felix.
    expect(await inspectApprovalLink(approve, maria)).toEqual({ state: 'other_user', signedInAs: 'manager@example.com' });
    await expect(decideByLink(approve, { decision: 'approved', comment: '' }, maria)).rejects.toThrow(ForbiddenError);

    // Felix leaves Finance: the link no longer decides (membership is checked at the click, not the mail).
    const felix = await actor('felix@example.com');
    const finance = (await db().query.groups.findFirst({ where: eq(groups.name, 'Finance') }))!;
    await db()
      .delete(groupMembers)
      .where(and(eq(groupMembers.groupId, finance.id), eq(groupMembers.userId, felix.id)));
    expect(await inspectApprovalLink(approve, null)).toEqual({ state: 'gone', reason: 'stale' });
    await expect(decideByLink(approve, { decision: 'approved', comment: '' }, null)).rejects.toThrow(ForbiddenError);
    await db().insert(groupMembers).values({ groupId: finance.id, userId: felix.id });

    // A disabled account's links open nothing.
    await db().update(users).set({ active: false }).where(eq(users.id, felix.id));
    await expect(decideByLink(approve, { decision: 'approved', comment: '' }, null)).rejects.toThrow(/disabled/);
    await db().update(users).set({ active: true }).where(eq(users.id, felix.id));

    // Signed in as Felix himself is fine.
    expect(await decideByLink(approve, { decision: 'approved', comment: '' }, felix)).toMatchObject({ stage: null });
    expect((await statusOf(request.id)).status).not.toBe('pending_approval');
  });

  it('no self-approval through a link, and a delegate’s link decides in the name of the approver they stand in for', async () => {
    const maria = await actor('manager@example.com');
    const alice = await actor('alice@example.com');
    // A link in the requester's own name (as if she were on the stage) cannot approve her request.
    const r = await submitRequest(alice, {
      productId: await bySlug('figma'),
      deviceId: await freshDevice(alice, 'macos-arm64'),
      justification: 'Design reviews for the portal',
    });
    const selfToken = await issueApprovalLink(db(), r.id, 1, alice.id);
    await expect(decideByLink(selfToken, { decision: 'approved', comment: '' }, null)).rejects.toThrow(/your own request/);

    const felix = await actor('felix@example.com');
    await createDelegation(maria, {
      delegateId: felix.id,
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 3600_000),
    });
    const delegateToken = await issueApprovalLink(db(), r.id, 1, felix.id);
    await decideByLink(delegateToken, { decision: 'approved', comment: '' }, null);
    const [decision] = await db()
      .execute(sql`select approver_id, on_behalf_of_id from approvals where request_id = ${r.id}`)
      .then((res) => (res as unknown as { rows: { approver_id: string; on_behalf_of_id: string }[] }).rows);
    expect(decision).toEqual({ approver_id: felix.id, on_behalf_of_id: maria.id });
  });
});
