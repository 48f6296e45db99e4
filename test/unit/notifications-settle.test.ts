import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { devices, notifications, products } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { decide } from '@/lib/requests/decide';
import { cancelRequest } from '@/lib/requests/lifecycle';
import { decisionInput, requestInput } from '@/lib/requests/schema';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const ask = async (who: Actor, slug: string, host: string) =>
  submitRequest(
    who,
    requestInput.parse({
      productId: (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id,
      deviceId: (await db().query.devices.findFirst({ where: eq(devices.hostname, host) }))!.id,
      justification: 'Needed for the quarterly work.',
    }),
  );
const approve = (who: Actor, requestId: string) => decide(who, decisionInput.parse({ requestId, decision: 'approved' }));
/** Unread notifications of `who` about the approval of request `id`. */
const unread = async (who: Actor, id: string) =>
  (
    await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, who.id), eq(notifications.link, `/approvals/${id}`), isNull(notifications.readAt)))
  ).length;

describe(`the bell's count drops when what it announced is handled (${engine})`, () => {
  it('a decided single-approver stage is no longer unread for its approver', async () => {
    const [alice, maria] = await Promise.all([actor('alice@example.com'), actor('manager@example.com')]);
    const r = await ask(alice, 'intellij-idea', 'ALICE-LT-4411');
    expect(await unread(maria, r.id)).toBe(1);
    await approve(maria, r.id);
    expect(await unread(maria, r.id)).toBe(0);
  });

  it('an N-of-M stage: each decider is settled, the others once the stage is over; the next stage is announced afresh', async () => {
    const [sid, selma, otto, olga] = await Promise.all(
      ['sec1@example.com', 'sec2@example.com', 'ops1@example.com', 'ops2@example.com'].map(actor),
    );
    const r = await ask(sid!, 'crowdstrike-falcon-sensor', 'sec-ws-01');
    expect(await unread(selma!, r.id)).toBe(1);
    await approve(selma!, r.id); // Security Team's stage is done; IT Operations (2 of 2) is told
    expect(await unread(selma!, r.id)).toBe(0);
    expect([await unread(otto!, r.id), await unread(olga!, r.id)]).toEqual([1, 1]);
    await approve(otto!, r.id);
    expect([await unread(otto!, r.id), await unread(olga!, r.id)]).toEqual([0, 1]);
    await approve(olga!, r.id);
    expect(await unread(olga!, r.id)).toBe(0);
  });

  it('a cancelled request leaves nothing unread for its approvers', async () => {
    const [bob, maria] = await Promise.all([actor('bob@example.com'), actor('manager@example.com')]);
    const r = await ask(bob, 'intellij-idea', 'bob-studio');
    expect(await unread(maria, r.id)).toBe(1);
    await cancelRequest(bob, r.id);
    expect(await unread(maria, r.id)).toBe(0);
  });
});
