import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorResponse } from '@/app/api/respond';
import { artifacts, devices, enrolAttempts, entitlements, installEvents, products, releases } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { authenticateDevice, enrolDevice, registerDevice, type AuthenticatedDevice } from '@/lib/devices/service';
import { checkIn, listPulls } from '@/lib/devices/pulls';
import { ConflictError, TooManyRequestsError, UnauthorizedError } from '@/lib/errors';
import { recordInstallEvents } from '@/lib/installs/record';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
let alice: Actor;
beforeAll(async () => {
  alice = await actor('alice@example.com');
});

const WRONG = 'ABCD-EFGH-JKMN';
/** What each attempt ended as: 'wrong' (401), 'limited' (429) or 'enrolled'. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'enrolled',
    (e: unknown) => (e instanceof TooManyRequestsError ? 'limited' : e instanceof UnauthorizedError ? 'wrong' : Promise.reject(e)),
  );
const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
const counter = async (scope: string) =>
  (await db().select().from(enrolAttempts).where(eq(enrolAttempts.scope, scope))).reduce((n, r) => n + r.attempts, 0);

describe(`enrolment codes cannot be guessed without limit (${engine})`, () => {
  beforeEach(async () => {
    await db().delete(enrolAttempts);
  });

  it('answers 429 with Retry-After once an address used up its wrong codes', async () => {
    const from = { address: '198.51.100.7' };
    for (let i = 0; i < 10; i++) expect(await outcome(enrolDevice({ code: WRONG }, from))).toBe('wrong');
    const refused = await enrolDevice({ code: WRONG }, from).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    const response = errorResponse(refused);
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Even the right code waits: the limit is checked before the code is looked at.
    const { enrolment } = await registerDevice(alice, { hostname: 'alice-limited', platform: 'linux-x64' });
    expect(await outcome(enrolDevice({ code: enrolment.code }, from))).toBe('limited');
    // Another address is not affected.
    expect(await outcome(enrolDevice({ code: enrolment.code }, { address: '198.51.100.8' }))).toBe('enrolled');
  });

  it('a parallel burst of wrong codes is counted exactly', async () => {
    const from = { address: '203.0.113.9' };
    const outcomes = await Promise.all(Array.from({ length: 25 }, () => outcome(enrolDevice({ code: WRONG }, from))));
    expect(tally(outcomes)).toEqual({ wrong: 10, limited: 15 });
    expect(await counter(`address:${from.address}`)).toBe(25);
  });

  it('limits the total across addresses, and one address over its limit does not use up the total', async () => {
    const limits = { perAddress: 3, total: 5, windowMinutes: 15 };
    const hog = await Promise.all(
      Array.from({ length: 10 }, () => outcome(enrolDevice({ code: WRONG }, { address: '192.0.2.1', limits }))),
    );
    expect(tally(hog)).toEqual({ wrong: 3, limited: 7 });
    expect(await counter('total')).toBe(3);
    const many = await Promise.all(
      Array.from({ length: 6 }, (_, i) => outcome(enrolDevice({ code: WRONG }, { address: `192.0.2.${10 + i}`, limits }))),
    );
    expect(tally(many)).toEqual({ wrong: 2, limited: 4 });
  });

  it('only wrong codes count: a successful enrolment gives its attempt back', async () => {
    const from = { address: '198.51.100.20' };
    for (let i = 0; i < 9; i++) await outcome(enrolDevice({ code: WRONG }, from));
    const { enrolment } = await registerDevice(alice, { hostname: 'alice-after-typos', platform: 'linux-x64' });
    expect(await outcome(enrolDevice({ code: enrolment.code }, from))).toBe('enrolled');
    expect(await outcome(enrolDevice({ code: WRONG }, from))).toBe('wrong');
    expect(await outcome(enrolDevice({ code: WRONG }, from))).toBe('limited');
  });
});

describe(`an idempotency key reused for another event (${engine})`, () => {
  let device: AuthenticatedDevice;
  let artifactId: string;

  beforeAll(async () => {
    const { enrolment, device: d } = await registerDevice(alice, { hostname: 'alice-keys', platform: 'linux-x64' });
    const { token } = await enrolDevice({ code: enrolment.code });
    device = await authenticateDevice(`Bearer ${token}`);
    const firefox = (await db().query.products.findFirst({ where: eq(products.slug, 'firefox') }))!.id;
    await db().insert(entitlements).values({ userId: alice.id, deviceId: d.id, productId: firefox, includesLaterReleases: true });
    const [a] = await db()
      .select({ id: artifacts.id })
      .from(artifacts)
      .innerJoin(releases, eq(releases.id, artifacts.releaseId))
      .where(and(eq(releases.productId, firefox), eq(releases.version, '141.0'), eq(artifacts.platform, 'linux-x64')));
    artifactId = a!.id;
  });

  const ev = (key: string, type: 'download_started' | 'install_succeeded', at = '2026-02-01T10:00:00.000Z') => ({
    idempotencyKey: key,
    type,
    artifactId,
    occurredAt: at,
  });
  const count = async () => (await db().select().from(installEvents).where(eq(installEvents.deviceId, device.deviceId))).length;

  it('is a 409 naming the key, and nothing of the batch is stored; an identical retry stays a duplicate', async () => {
    const key = `key-${randomUUID()}`;
    expect(await recordInstallEvents(device, [ev(key, 'download_started')])).toEqual({ recorded: 1, duplicates: 0 });
    expect(await recordInstallEvents(device, [ev(key, 'download_started')])).toEqual({ recorded: 0, duplicates: 1 });
    const before = await count();

    const fresh = ev(`key-${randomUUID()}`, 'install_succeeded');
    const clash = recordInstallEvents(device, [fresh, ev(key, 'install_succeeded')]);
    await expect(clash).rejects.toBeInstanceOf(ConflictError);
    await expect(recordInstallEvents(device, [fresh, ev(key, 'install_succeeded')])).rejects.toMatchObject({
      status: 409,
      field: 'events.1.idempotencyKey',
    });
    // The same type at another time is another event too.
    await expect(recordInstallEvents(device, [ev(key, 'download_started', '2026-02-01T10:00:01.000Z')])).rejects.toMatchObject({
      field: 'events.0.idempotencyKey',
    });
    expect(await count()).toBe(before);
    const body = await errorResponse(await recordInstallEvents(device, [ev(key, 'install_succeeded')]).catch((e: unknown) => e)).json();
    expect(body).toMatchObject({ field: 'events.0.idempotencyKey', error: expect.stringContaining(key) });
  });

  it('two different events under one key in the same batch are refused', async () => {
    const key = `key-${randomUUID()}`;
    const before = await count();
    await expect(recordInstallEvents(device, [ev(key, 'download_started'), ev(key, 'install_succeeded')])).rejects.toMatchObject({
      status: 409,
      field: 'events.1.idempotencyKey',
    });
    expect(await count()).toBe(before);
    // The same event twice in a batch is still just a duplicate.
    expect(await recordInstallEvents(device, [ev(key, 'download_started'), ev(key, 'download_started')])).toEqual({
      recorded: 1,
      duplicates: 1,
    });
  });
});

describe(`device authentication touches last_seen_at at most once a minute (${engine})`, () => {
  it('writes last_seen_at only when it is more than a minute old', async () => {
    const { enrolment, device } = await registerDevice(alice, { hostname: 'alice-seen', platform: 'linux-x64' });
    const { token } = await enrolDevice({ code: enrolment.code, agentVersion: '2.0.0' });
    const seen = async () => (await db().query.devices.findFirst({ where: eq(devices.id, device.id) }))!.lastSeenAt!;
    const long = new Date(Date.now() - 5 * 60_000);
    await db().update(devices).set({ lastSeenAt: long }).where(eq(devices.id, device.id));
    expect(await authenticateDevice(`Bearer ${token}`)).toMatchObject({ deviceId: device.id, agentVersion: '2.0.0' });
    const touched = await seen();
    expect(touched.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const recent = new Date(Date.now() - 30_000);
    await db().update(devices).set({ lastSeenAt: recent }).where(eq(devices.id, device.id));
    await authenticateDevice(`Bearer ${token}`);
    expect((await seen()).getTime()).toBe(recent.getTime());
  });
});

describe(`check-in and pulls cost at most two round trips (${engine})`, () => {
  it.runIf(engine === 'postgres')('counts the statements sent to PostgreSQL', async () => {
    const { enrolment } = await registerDevice(alice, { hostname: 'alice-trips', platform: 'linux-x64' });
    const { token } = await enrolDevice({ code: enrolment.code, agentVersion: '3.0.0' });
    const pool = (db() as unknown as { $client: pg.Pool }).$client;
    let statements = 0;
    let checkouts = 0;
    const query = pool.query.bind(pool);
    const connect = pool.connect.bind(pool);
    pool.query = ((...args: Parameters<typeof query>) => {
      statements++;
      return query(...args);
    }) as typeof pool.query;
    pool.connect = ((...args: unknown[]) => {
      checkouts++; // pool.query checks out a client too; a transaction checks out one more
      return (connect as (...a: unknown[]) => unknown)(...args);
    }) as typeof pool.connect;
    try {
      await checkIn(await authenticateDevice(`Bearer ${token}`), { agentVersion: '3.0.0' });
      expect({ statements, checkouts }).toEqual({ statements: 2, checkouts: 2 });
      statements = 0;
      checkouts = 0;
      await listPulls((await authenticateDevice(`Bearer ${token}`)).deviceId);
      expect({ statements, checkouts }).toEqual({ statements: 2, checkouts: 2 });
    } finally {
      pool.query = query;
      pool.connect = connect;
    }
  });
});
