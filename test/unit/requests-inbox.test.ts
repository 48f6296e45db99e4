import { and, eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  approvals,
  approvalStages,
  delegations,
  devices,
  groupMembers,
  groups,
  products,
  serviceRequests,
  users,
  type RequestStatus,
  type Role,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { ForbiddenError } from '@/lib/errors';
import { currentStage, decidingAs } from '@/lib/requests/approvers';
import { decide } from '@/lib/requests/decide';
import { listInbox, type InboxFilter, type InboxSort } from '@/lib/requests/inbox';
import { decisionInput } from '@/lib/requests/schema';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

// A small deterministic PRNG, so a failure can be reproduced.
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(20261130);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const HOUR = 3_600_000;

const ids: Record<string, string> = {};
const approver: Role[] = ['requester', 'approver'];

async function addUser(key: string, name: string, roles: Role[], active = true) {
  const [u] = await db()
    .insert(users)
    .values({ email: `${key}@inbox.test`, name, passwordHash: 'x', roles, active })
    .returning({ id: users.id });
  ids[key] = u!.id;
}

/**
 * The data set: managers with and without the approver role, an inactive one, groups whose
 * members are a mix of all three, manager / any-one / N-of-M / multi-stage products, requests at
 * every stage and status, decisions by members and by delegates, and delegations that are
 * active, expired, future, from inactive or role-less principals and to role-less or inactive
 * delegates. Every user also requests things, so everyone has their own requests in the mix.
 */
async function seedVariedInbox() {
  for (const k of ['a1', 'a2', 'a3', 'a4', 'a5']) await addUser(k, `Approver ${k.toUpperCase()}`, approver);
  await addUser('n1', 'Nora Norole', ['requester']);
  await addUser('x1', 'Xavier Inactive', approver, false);
  for (const k of ['r1', 'r2', 'r3', 'r4']) await addUser(k, `Requester ${k.toUpperCase()} Rita`, ['requester']);
  const managers: Record<string, string> = { r1: 'a1', r2: 'n1', r3: 'x1', r4: 'a2', a3: 'a1', a5: 'a4', a1: 'a2', n1: 'a3' };
  for (const [u, m] of Object.entries(managers)) await db().update(users).set({ managerId: ids[m] }).where(eq(users.id, ids[u]!));

  const members: Record<string, string[]> = { g1: ['a1', 'a2', 'a3', 'n1', 'x1'], g2: ['a2', 'a4', 'a5'], g3: ['n1', 'x1'] };
  for (const [g, who] of Object.entries(members)) {
    const [row] = await db()
      .insert(groups)
      .values({ name: `Inbox ${g}` })
      .returning({ id: groups.id });
    ids[g] = row!.id;
    await db()
      .insert(groupMembers)
      .values(who.map((u) => ({ groupId: row!.id, userId: ids[u]! })));
  }

  type Stage = { kind: 'manager' } | { kind: 'group'; group: string; n: number };
  const policies: Record<string, Stage[]> = {
    'inbox-manager': [{ kind: 'manager' }],
    'inbox-any': [{ kind: 'group', group: 'g1', n: 1 }],
    'inbox-n-of-m': [{ kind: 'group', group: 'g1', n: 2 }],
    'inbox-multi': [{ kind: 'manager' }, { kind: 'group', group: 'g2', n: 2 }],
    'inbox-nobody': [{ kind: 'group', group: 'g3', n: 1 }],
    'inbox-mixed': [{ kind: 'group', group: 'g2', n: 1 }, { kind: 'group', group: 'g1', n: 2 }, { kind: 'manager' }],
  };
  const productStages: [string, number][] = [];
  for (const [slug, stages] of Object.entries(policies)) {
    const [p] = await db()
      .insert(products)
      .values({ slug, name: `Tool ${slug.slice(6)}`, publisher: 'Inbox Test', category: 'Testing' })
      .returning({ id: products.id });
    ids[slug] = p!.id;
    productStages.push([slug, stages.length]);
    await db()
      .insert(approvalStages)
      .values(
        stages.map((s, i) =>
          s.kind === 'manager'
            ? { productId: p!.id, position: i + 1, kind: 'manager' as const }
            : { productId: p!.id, position: i + 1, kind: 'group' as const, groupId: ids[s.group]!, requiredApprovals: s.n },
        ),
      );
  }

  const now = Date.now();
  const span = (from: number, to: number) => ({ startsAt: new Date(now + from * HOUR), endsAt: new Date(now + to * HOUR) });
  const delegated: [string, string, ReturnType<typeof span>][] = [
    ['a1', 'a4', span(-1, 24)],
    ['a2', 'a4', span(-2, 48)], // two principals for one delegate, both in g1
    ['a2', 'a5', span(-1, 24)],
    ['a3', 'a4', span(-48, -1)], // expired
    ['a5', 'a1', span(1, 24)], // not started
    ['x1', 'a4', span(-1, 24)], // inactive principal
    ['n1', 'a5', span(-1, 24)], // principal without the role
    ['a1', 'n1', span(-1, 24)], // delegate without the role
    ['a4', 'x1', span(-1, 24)], // inactive delegate
    ['a3', 'a2', span(-1, 24)],
  ];
  await db()
    .insert(delegations)
    .values(delegated.map(([a, d, s]) => ({ approverId: ids[a]!, delegateId: ids[d]!, ...s })));

  const requesters = ['r1', 'r2', 'r3', 'r4', 'a1', 'a2', 'a3', 'a4', 'a5', 'n1'];
  const deciders = ['a1', 'a2', 'a3', 'a4', 'a5', 'n1', 'x1'];
  // A few shared creation times, so that keyset paging must break ties by id.
  const times = Array.from({ length: 25 }, () => now - Math.floor(rnd() * 30 * 24) * HOUR);
  for (let i = 0; i < 160; i++) {
    const who = pick(requesters);
    const [slug, stageCount] = pick(productStages);
    const status: RequestStatus = rnd() < 0.85 ? 'pending_approval' : pick(['approved', 'rejected', 'expired'] as const);
    const stage = status === 'pending_approval' ? 1 + Math.floor(rnd() * stageCount) : null;
    const [device] = await db()
      .insert(devices)
      .values({ ownerId: ids[who]!, hostname: `EQ-${who.toUpperCase()}-${i}`, platform: 'windows-x64', status: 'active' })
      .returning({ id: devices.id });
    const [r] = await db()
      .insert(serviceRequests)
      .values({
        requesterId: ids[who]!,
        productId: ids[slug]!,
        deviceId: device!.id,
        justification: `Varied inbox case ${i}`,
        status,
        currentStage: stage,
        stageDueAt: stage === null || rnd() < 0.1 ? null : new Date(pick(times) + 72 * HOUR),
        createdAt: new Date(pick(times)),
      })
      .returning({ id: serviceRequests.id });
    // Decisions on this stage and earlier ones, in the approver's own name or as a delegate.
    for (let s = 1; s <= (stage ?? 0); s++) {
      for (let k = Math.floor(rnd() * 3); k > 0; k--) {
        const by = pick(deciders);
        const forWhom = rnd() < 0.3 ? pick(deciders.filter((d) => d !== by)) : null;
        await db()
          .insert(approvals)
          .values({ requestId: r!.id, stage: s, approverId: ids[by]!, onBehalfOfId: forWhom ? ids[forWhom]! : null, decision: 'approved' })
          .onConflictDoNothing();
      }
    }
  }
  // Microseconds on half of the rows: a cursor rounded to milliseconds would skip or repeat them.
  await db().execute(
    sql`update service_requests set created_at = created_at + make_interval(secs => (abs(hashtext(id::text)) % 1000) / 1e6)
        where justification like 'Varied inbox case %' and abs(hashtext(id::text)) % 2 = 0`,
  );
}

/** The per-row rule: `decidingAs` for every pending request, less those the principal already decided. */
async function expectedInbox(actorId: string): Promise<Map<string, string | null>> {
  const pending = await db().select().from(serviceRequests).where(eq(serviceRequests.status, 'pending_approval'));
  const decided = await db()
    .select({
      requestId: approvals.requestId,
      stage: approvals.stage,
      principal: sql<string>`coalesce(${approvals.onBehalfOfId}, ${approvals.approverId})`,
    })
    .from(approvals);
  const done = new Set(decided.map((a) => `${a.requestId}/${a.stage}/${a.principal}`));
  const out = new Map<string, string | null>();
  for (const r of pending) {
    const stage = await currentStage(db(), r);
    if (!stage) continue;
    const as = await decidingAs(db(), stage, r.requesterId, actorId);
    if (!as || done.has(`${r.id}/${stage.position}/${as.onBehalfOfId ?? as.approverId}`)) continue;
    const principal = as.onBehalfOfId ? await db().query.users.findFirst({ where: eq(users.id, as.onBehalfOfId) }) : null;
    out.set(r.id, principal?.name ?? null);
  }
  return out;
}

async function walk(who: Actor, filter: InboxFilter) {
  const pages = [];
  let after: string | undefined;
  do {
    const page = await listInbox(who, { ...filter, after, pageSize: 4 });
    pages.push(page);
    after = page.nextCursor ?? undefined;
  } while (after && pages.length < 200);
  return pages;
}

const actorKeys = ['a1', 'a2', 'a3', 'a4', 'a5', 'n1', 'x1', 'r1'];
const asActor = async (key: string): Promise<Actor> => {
  const u = (await db().query.users.findFirst({ where: eq(users.id, ids[key]!) }))!;
  return { id: u.id, email: u.email, name: u.name, roles: u.roles };
};

describe(`approver inbox as one query (${engine})`, () => {
  beforeAll(seedVariedInbox, 120_000);

  it('returns exactly what the per-row rule gives, for every actor', async () => {
    const actors = [
      ...(await Promise.all(actorKeys.map(asActor))),
      ...(await Promise.all(['manager@example.com', 'sec1@example.com', 'ops1@example.com'].map(actor))),
    ];
    const sizes: Record<string, number> = {};
    for (const who of actors) {
      const expected = await expectedInbox(who.id);
      const page = await listInbox(who, { pageSize: 1000 });
      expect(page.total, who.email).toBe(expected.size);
      expect(new Map(page.rows.map((r) => [r.id, r.onBehalfOf])), who.email).toEqual(expected);
      sizes[who.email] = expected.size;
    }
    // The data set exercises the rule: real inboxes, delegated rows, and nobody without the role or inactive.
    expect(sizes['a4@inbox.test']).toBeGreaterThan(5);
    expect(sizes['n1@inbox.test']).toBe(0);
    expect(sizes['x1@inbox.test']).toBe(0);
    expect(sizes['r1@inbox.test']).toBe(0);
    const a4 = await listInbox(await asActor('a4'), { pageSize: 1000 });
    expect(new Set(a4.rows.flatMap((r) => (r.onBehalfOf ? [r.onBehalfOf] : [])))).toEqual(new Set(['Approver A1', 'Approver A2']));
  });

  it('managers and members without the approver role, or inactive, decide nothing, and nor do their delegates for them', async () => {
    const [n1, a4] = await Promise.all([asActor('n1'), asActor('a4')]);
    const [mine] = await db()
      .select({ id: serviceRequests.id })
      .from(serviceRequests)
      .where(
        and(
          eq(serviceRequests.requesterId, ids.r2!), // manager n1, without the role
          eq(serviceRequests.productId, ids['inbox-manager']!),
          eq(serviceRequests.status, 'pending_approval'),
        ),
      )
      .limit(1);
    if (mine) {
      await expect(decide(n1, decisionInput.parse({ requestId: mine.id, decision: 'approved', comment: '' }))).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
    // r3's manager x1 is inactive: a4, x1's delegate, does not see r3's manager-stage requests.
    const r3Manager = await db()
      .select({ id: serviceRequests.id })
      .from(serviceRequests)
      .innerJoin(
        approvalStages,
        and(eq(approvalStages.productId, serviceRequests.productId), eq(approvalStages.position, serviceRequests.currentStage)),
      )
      .where(
        and(eq(serviceRequests.requesterId, ids.r3!), eq(approvalStages.kind, 'manager'), eq(serviceRequests.status, 'pending_approval')),
      );
    expect(r3Manager.length).toBeGreaterThan(0);
    const seen = new Set((await listInbox(a4, { pageSize: 1000 })).rows.map((r) => r.id));
    for (const r of r3Manager) expect(seen.has(r.id)).toBe(false);
  });

  it.each(['due', 'oldest', 'newest'] as InboxSort[])('pages through the whole inbox sorted by %s, forwards and back', async (sort) => {
    for (const key of ['a1', 'a2', 'a4']) {
      const who = await asActor(key);
      const all = await listInbox(who, { sort, pageSize: 1000 });
      const pages = await walk(who, { sort });
      const walked = pages.flatMap((p) => p.rows.map((r) => r.id));
      expect(new Set(walked).size, 'no duplicates').toBe(walked.length);
      expect(walked).toEqual(all.rows.map((r) => r.id));
      expect(pages.every((p) => p.total === all.total)).toBe(true);
      expect(pages[0]!.prevCursor).toBeNull();
      expect(pages.at(-1)!.nextCursor).toBeNull();
      // Sorted as asked (to the millisecond here; the database orders the microseconds).
      const at = (r: (typeof all.rows)[number]) =>
        sort === 'due' ? (r.stageDueAt?.getTime() ?? Infinity) : sort === 'oldest' ? r.createdAt.getTime() : -r.createdAt.getTime();
      const keys = all.rows.map(at);
      expect(keys).toEqual([...keys].sort((x, y) => x - y));

      // Backwards from the last page with "Previous" gives the same rows in the same order.
      const back: string[][] = [pages.at(-1)!.rows.map((r) => r.id)];
      let before = pages.at(-1)!.prevCursor;
      while (before && back.length < 200) {
        const page = await listInbox(who, { sort, before, pageSize: 4 });
        back.unshift(page.rows.map((r) => r.id));
        before = page.prevCursor;
      }
      expect(back.flat()).toEqual(walked);
    }
  });

  it('searches product, requester and device names case-insensitively, counting only the matches', async () => {
    const who = await asActor('a4');
    const expected = await expectedInbox(who.id);
    const rows = await db()
      .select({ id: serviceRequests.id, product: products.name, requester: users.name, hostname: devices.hostname })
      .from(serviceRequests)
      .innerJoin(products, eq(products.id, serviceRequests.productId))
      .innerJoin(users, eq(users.id, serviceRequests.requesterId))
      .innerJoin(devices, eq(devices.id, serviceRequests.deviceId))
      .where(inArray(serviceRequests.id, [...expected.keys()]));
    for (const q of ['tool MULTI', 'rita', 'eq-r1-', 'approver a5', 'nothing like this']) {
      const want = rows
        .filter((r) => `${r.product} ${r.requester} ${r.hostname}`.toLowerCase().includes(q.toLowerCase()))
        .map((r) => r.id)
        .sort();
      const pages = await walk(who, { q, sort: 'oldest' });
      expect(pages.flatMap((p) => p.rows.map((r) => r.id)).sort(), q).toEqual(want);
      expect(pages[0]!.total, q).toBe(want.length);
    }
  });

  it('refuses a forged page position, naming the field', async () => {
    const who = await asActor('a1');
    await expect(listInbox(who, { after: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ field: 'after' });
    await expect(listInbox(who, { before: "'; drop table users; --" })).rejects.toMatchObject({ field: 'before' });
  });
});
