import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  approvalStages,
  artifacts,
  devices,
  entitlements,
  groupMembers,
  groups,
  products,
  releases,
  serviceRequests,
  users,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { decide } from '@/lib/requests/decide';
import { cancelRequest, revokeEntitlement } from '@/lib/requests/lifecycle';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

/** Every failure must be a typed, user-facing error (a 4xx), never a database error (a 5xx). */
const untyped = (results: PromiseSettledResult<unknown>[]) =>
  results.flatMap((r) => (r.status === 'rejected' && !(r.reason instanceof AppError) ? [String(r.reason)] : []));

/**
 * A fresh product `slug` with the given seats and stages, whose one published release reuses a
 * seeded build (same stored bytes), and `n` people each with a device for it.
 */
async function arena(slug: string, n: number, opts: { seats?: number; exhausted?: 'wait' | 'reject'; manager?: boolean }) {
  const maria = await actor('manager@example.com');
  const [seeded] = await db().select().from(artifacts).where(eq(artifacts.status, 'ok')).limit(1);
  const build = seeded!;
  const [product] = await db()
    .insert(products)
    .values({
      slug,
      name: `Race ${slug}`,
      publisher: 'Test',
      category: 'Utilities',
      seatLimit: opts.seats ?? null,
      seatExhausted: opts.exhausted ?? 'wait',
      licenceModel: opts.seats ? 'per-seat' : 'free',
    })
    .returning();
  const [release] = await db().insert(releases).values({ productId: product!.id, version: '1.0.0' }).returning();
  const { id: _, releaseId: __, createdAt: ___, ...bytes } = build;
  await db()
    .insert(artifacts)
    .values({ ...bytes, releaseId: release!.id });
  await db().update(releases).set({ status: 'published', publishedAt: new Date() }).where(eq(releases.id, release!.id));
  if (opts.manager) await db().insert(approvalStages).values({ productId: product!.id, position: 1, kind: 'manager' });
  const people = await db()
    .insert(users)
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `${slug}-${i}@example.com`,
        name: `${slug} ${i}`,
        passwordHash: 'x',
        managerId: maria.id,
      })),
    )
    .returning();
  const ds = await db()
    .insert(devices)
    .values(people.map((p, i) => ({ ownerId: p.id, hostname: `${slug}-${i}`, platform: build!.platform, status: 'active' as const })))
    .returning();
  const requesters: Actor[] = people.map((p) => ({ id: p.id, email: p.email, name: p.name, roles: p.roles }));
  return { maria, product: product!, requesters, devices: ds };
}

describe(`races (${engine})`, () => {
  it('six people requesting one auto-approved product at once are all approved, none sees an error', async () => {
    const { product, requesters, devices: ds } = await arena('race-auto', 6, {});
    const results = await Promise.allSettled(
      requesters.map((r, i) =>
        submitRequest(r, { productId: product.id, deviceId: ds[i]!.id, justification: 'Race test: auto approval.' }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await db().select().from(serviceRequests).where(eq(serviceRequests.productId, product.id));
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill('approved'));
  });

  it('ten requests at once for 3 seats that reject when full: exactly 3 approved and 7 rejected, no errors', async () => {
    const { product, requesters, devices: ds } = await arena('race-reject', 10, { seats: 3, exhausted: 'reject' });
    const results = await Promise.allSettled(
      requesters.map((r, i) => submitRequest(r, { productId: product.id, deviceId: ds[i]!.id, justification: 'Race test: three seats.' })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await db().select().from(serviceRequests).where(eq(serviceRequests.productId, product.id));
    expect(rows.filter((r) => r.status === 'approved')).toHaveLength(3);
    expect(rows.filter((r) => r.status === 'rejected')).toHaveLength(7);
    const held = await db().$count(entitlements, and(eq(entitlements.productId, product.id), eq(entitlements.status, 'active')));
    expect(held).toBe(3);
  });

  it('a cancel racing the seat freed for it never ends "cancelled" with a live entitlement (8 trials)', async () => {
    const librarian = await actor('librarian@example.com');
    for (let trial = 0; trial < 8; trial++) {
      const {
        product,
        requesters,
        devices: ds,
      } = await arena(`race-cancel-${trial}`, 2, {
        seats: 1,
        exhausted: 'wait',
      });
      const [holder, waiter] = requesters;
      await submitRequest(holder!, { productId: product.id, deviceId: ds[0]!.id, justification: 'Race test: seat holder.' });
      const waiting = await submitRequest(waiter!, {
        productId: product.id,
        deviceId: ds[1]!.id,
        justification: 'Race test: seat waiter.',
      });
      expect(waiting.status).toBe('waiting_for_seat');
      const held = (await db().query.entitlements.findFirst({ where: eq(entitlements.userId, holder!.id) }))!;

      const [cancel, revoke] = await Promise.allSettled([
        cancelRequest(waiter!, waiting.id),
        revokeEntitlement(librarian, held.id, 'Race test'),
      ]);
      expect(untyped([cancel, revoke])).toEqual([]);
      expect(revoke.status).toBe('fulfilled');
      const request = (await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, waiting.id) }))!;
      const live = await db().$count(entitlements, and(eq(entitlements.requestId, waiting.id), eq(entitlements.status, 'active')));
      if (cancel.status === 'fulfilled') {
        // Told "cancelled": it must really be cancelled and hold nothing.
        expect(request.status).toBe('cancelled');
        expect(live).toBe(0);
      } else {
        // Told it was too late: the seat went to it.
        expect(request.status).toBe('approved');
        expect(live).toBe(1);
      }
    }
  });

  it('two approvers deciding one any-one stage at once: one decision counts, the other is told who decided', async () => {
    const [group] = await db().insert(groups).values({ name: 'Race approvers' }).returning();
    const approvers = await db()
      .insert(users)
      .values(
        [0, 1].map((i) => ({
          email: `race-approver-${i}@example.com`,
          name: `Race Approver ${i}`,
          passwordHash: 'x',
          roles: ['requester' as const, 'approver' as const],
        })),
      )
      .returning();
    await db()
      .insert(groupMembers)
      .values(approvers.map((a) => ({ groupId: group!.id, userId: a.id })));
    for (let trial = 0; trial < 4; trial++) {
      const { product, requesters, devices: ds } = await arena(`race-decide-${trial}`, 1, {});
      await db().insert(approvalStages).values({ productId: product.id, position: 1, kind: 'group', groupId: group!.id });
      const { id } = await submitRequest(requesters[0]!, {
        productId: product.id,
        deviceId: ds[0]!.id,
        justification: 'Race test: two deciders.',
      });
      const results = await Promise.allSettled(
        approvers.map((a) =>
          decide(
            { id: a.id, email: a.email, name: a.name, roles: a.roles },
            { requestId: id, decision: 'approved', comment: '', stage: 1 },
          ),
        ),
      );
      expect(untyped(results)).toEqual([]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason.message).toMatch(/already approved \(decided by Race Approver [01]\)/);
      const rows = await db()
        .select()
        .from(serviceRequests)
        .where(inArray(serviceRequests.id, [id]));
      expect(rows[0]!.status).toBe('approved');
    }
  });
});
