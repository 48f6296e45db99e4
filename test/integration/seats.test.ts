import { and, asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { approvalStages, devices, entitlements, products, serviceRequests, users } from '@/db/schema';
import { decide } from '@/lib/requests/decide';
import { revokeEntitlement } from '@/lib/requests/lifecycle';
import { getSeatUsage } from '@/lib/requests/seats';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

/** The seeded product `base` given `seats` seats and a manager stage, and `n` requesters (Maria's reports) each asking for it. */
async function contention(base: string, slug: string, seats: number, seatExhausted: 'wait' | 'reject', n: number) {
  const maria = await actor('manager@example.com');
  const git = (await db().query.products.findFirst({ where: eq(products.slug, base) }))!;
  // A seeded product turned per-seat, keeping its published releases' builds.
  const [product] = await db()
    .update(products)
    .set({ seatLimit: seats, seatExhausted, licenceModel: 'per-seat', slug })
    .where(eq(products.id, git.id))
    .returning();
  await db().insert(approvalStages).values({ productId: product!.id, position: 1, kind: 'manager' });
  const people = await db()
    .insert(users)
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `${slug}-${i}@example.com`,
        name: `Seat ${i}`,
        passwordHash: 'x',
        managerId: maria.id,
      })),
    )
    .returning();
  const ds = await db()
    .insert(devices)
    .values(people.map((p, i) => ({ ownerId: p.id, hostname: `seat-${i}`, platform: 'linux-x64' as const, status: 'active' as const })))
    .returning();
  const requests = [];
  for (const [i, p] of people.entries()) {
    const requester = { id: p.id, email: p.email, name: p.name, roles: p.roles };
    requests.push(
      await submitRequest(requester, { productId: product!.id, deviceId: ds[i]!.id, justification: 'Needed for the seat test.' }),
    );
  }
  return { maria, product: product!, requestIds: requests.map((r) => r.id) };
}

describe(`licence seats under concurrent approvals (${engine})`, () => {
  it('50 simultaneous final approvals for 10 seats: exactly 10 granted, 40 wait in order, no errors', async () => {
    const { maria, product, requestIds } = await contention('git', 'seat-wait', 10, 'wait', 50);
    const results = await Promise.allSettled(
      requestIds.map((requestId) => decide(maria, { requestId, decision: 'approved', comment: '' })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

    const held = await db()
      .select()
      .from(entitlements)
      .where(and(eq(entitlements.productId, product.id), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true)));
    expect(held).toHaveLength(10);
    const statuses = await db()
      .select({ id: serviceRequests.id, status: serviceRequests.status })
      .from(serviceRequests)
      .where(inArray(serviceRequests.id, requestIds));
    expect(statuses.filter((s) => s.status === 'approved')).toHaveLength(10);
    expect(statuses.filter((s) => s.status === 'waiting_for_seat')).toHaveLength(40);

    const usage = await getSeatUsage(await actor('librarian@example.com'), product.id);
    expect(usage).toMatchObject({ limit: 10, inUse: 10, waiting: 40 });
    await expect(getSeatUsage(await actor('alice@example.com'), product.id)).rejects.toThrow(/Librarian/);

    // A seat freed goes to the request that has waited longest.
    const waiting = await db()
      .select({ id: serviceRequests.id })
      .from(serviceRequests)
      .where(and(eq(serviceRequests.productId, product.id), eq(serviceRequests.status, 'waiting_for_seat')))
      .orderBy(asc(serviceRequests.createdAt), asc(serviceRequests.id));
    await revokeEntitlement(await actor('librarian@example.com'), held[0]!.id, 'Leaver');
    const promoted = await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, waiting[0]!.id) });
    expect(promoted?.status).toBe('approved');
    expect(await db().$count(entitlements, and(eq(entitlements.productId, product.id), eq(entitlements.status, 'active')))).toBe(10);
  });

  it('with "reject" set, the requests beyond the limit are rejected with the reason', async () => {
    const { maria, product, requestIds } = await contention('nodejs', 'seat-reject', 3, 'reject', 12);
    const results = await Promise.allSettled(
      requestIds.map((requestId) => decide(maria, { requestId, decision: 'approved', comment: '' })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await db().select().from(serviceRequests).where(inArray(serviceRequests.id, requestIds));
    expect(rows.filter((r) => r.status === 'approved')).toHaveLength(3);
    const refused = rows.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(9);
    expect(refused[0]?.closedReason).toBe(`All 3 licence seats of ${product.name} are in use.`);
  });
});
