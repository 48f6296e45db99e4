import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { devices, entitlements, products } from '@/db/schema';
import { NotFoundError } from '@/lib/errors';
import { decide } from '@/lib/requests/decide';
import { seatsLeft } from '@/lib/requests/seats';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const product = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!;
const held = async (productId: string) =>
  (
    await db()
      .select({ n: count() })
      .from(entitlements)
      .where(and(eq(entitlements.productId, productId), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true)))
  )[0]!.n;

describe(`seats left before asking (${engine})`, () => {
  it('counts the seats an approval would take, drops as one is taken, and says what happens when none are left', async () => {
    const bob = await actor('bob@example.com');
    const figma = await product('figma');
    const before = await seatsLeft(bob, figma.id);
    expect(before).toEqual({ limit: 15, free: 15 - (await held(figma.id)), waiting: 0, whenNone: 'reject' });

    const [device] = await db()
      .insert(devices)
      .values({ ownerId: bob.id, hostname: 'bob-seat-test', platform: 'macos-arm64', status: 'active' })
      .returning();
    const r = await submitRequest(bob, { productId: figma.id, deviceId: device!.id, justification: 'Design reviews each week.' });
    await decide(await actor('manager@example.com'), { requestId: r.id, decision: 'approved', comment: '' });
    expect((await seatsLeft(bob, figma.id))!.free).toBe(before!.free - 1);

    await db()
      .update(products)
      .set({ seatLimit: await held(figma.id) })
      .where(eq(products.id, figma.id));
    expect(await seatsLeft(bob, figma.id)).toMatchObject({ free: 0, whenNone: 'reject' });
  });

  it('says nothing for products without a seat limit, and nothing about products the requester cannot see', async () => {
    const alice = await actor('alice@example.com');
    expect(await seatsLeft(alice, (await product('firefox')).id)).toBeNull();
    await expect(seatsLeft(alice, (await product('contoso-ledger-desktop')).id)).rejects.toThrow(NotFoundError);
    expect((await seatsLeft(alice, (await product('intellij-idea')).id))?.whenNone).toBe('wait');
  });
});
