import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, getDb, type DbHandle } from '@/db';
import { listJobs, retryJob } from '@/lib/jobs/admin';
import { enqueue } from '@/lib/jobs/enqueue';
import { JobQueue } from '@/lib/jobs/queue';
import { defineJob, defineSchedule } from '@/lib/jobs/registry';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { testQueueSettings } from '../support/jobs'; // also imports the app's job modules

const db = setupTestDb();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Handlers record what ran; both workers below share them, so a job run twice shows up twice.
const runs = new Map<string, number>();
const countJob = defineJob<{ key: string }>('test.count', async ({ key }) => {
  runs.set(key, (runs.get(key) ?? 0) + 1);
});
const attempts: { at: number; retryCount: number }[] = [];
const failingJob = defineJob<{ reason: string }>(
  'test.fails',
  async ({ reason }, job) => {
    attempts.push({ at: Date.now(), retryCount: job.retryCount });
    throw new Error(reason);
  },
  { retryLimit: 2, retryDelaySeconds: 1 },
);
const ticks: Date[] = [];
defineSchedule('test.tick', '* * * * *', async () => {
  ticks.push(new Date());
});

// Two workers on one database, as two app instances would be: on PostgreSQL each has a pool of
// its own; on PGlite (one process by nature) they share the embedded database.
let second: DbHandle | undefined;
const workers: JobQueue[] = [];
beforeAll(async () => {
  const otherDb =
    engine === 'postgres'
      ? (second = createDb({ kind: 'postgres', url: (getDb() as unknown as { $client: Pool }).$client.options.connectionString! })).db
      : getDb();
  for (const database of [getDb(), otherDb]) {
    const queue = new JobQueue(database, testQueueSettings);
    await queue.start();
    workers.push(queue);
  }
});
afterAll(async () => {
  for (const w of workers) await w.stop(2000);
  await second?.close();
});

async function storedJobs(name: string, key: string): Promise<number> {
  const result = (await db().execute(
    sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${name} AND data->>'key' = ${key}`,
  )) as unknown as {
    rows: { n: number }[];
  };
  return result.rows[0]!.n;
}

describe(`job queue (${engine})`, () => {
  it('a job enqueued in a transaction that rolls back never exists; one that commits runs exactly once', async () => {
    const lost = randomUUID();
    await expect(
      db().transaction(async (tx) => {
        await enqueue(tx, countJob, { key: lost });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await storedJobs('test.count', lost)).toBe(0);

    const kept = randomUUID();
    await db().transaction(async (tx) => {
      await enqueue(tx, countJob, { key: kept });
    });
    await expect.poll(() => runs.get(kept), { timeout: 10_000 }).toBe(1);
    await sleep(1500); // both workers polled several times more
    expect(runs.get(kept)).toBe(1);
    expect(runs.has(lost)).toBe(false);
  });

  it('two workers on one database run each of many jobs once', async () => {
    const keys = Array.from({ length: 30 }, () => randomUUID());
    await db().transaction(async (tx) => {
      for (const key of keys) await enqueue(tx, countJob, { key });
    });
    await expect.poll(() => keys.every((k) => runs.has(k)), { timeout: 30_000 }).toBe(true);
    await sleep(1500);
    expect(keys.map((k) => runs.get(k))).toEqual(keys.map(() => 1));
  });

  it('a handler that throws is retried with growing delays, then kept as failed with its error for the admin', async () => {
    const admin = await actor('admin@example.com');
    const id = await db().transaction((tx) => enqueue(tx, failingJob, { reason: 'the mail relay is on fire' }));
    expect(id).toBeTruthy();
    const failed = async () => (await listJobs(admin)).failed.find((j) => j.id === id);
    await expect.poll(failed, { timeout: 25_000, interval: 500 }).toBeTruthy();
    const job = (await failed())!;
    expect(job).toMatchObject({ name: 'test.fails', state: 'failed', attempts: 3, maxAttempts: 3, error: 'the mail relay is on fire' });
    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2]);
    // Backoff: about 1-2 s before the first retry, 2-4 s before the second.
    const [a, b, c] = attempts.map((x) => x.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(900);
    expect(c - b).toBeGreaterThanOrEqual(1900);

    // Only an admin may retry, only a failed job, and only one that exists.
    await expect(retryJob(await actor('desk@example.com'), { name: 'test.fails', id: id! })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(retryJob(admin, { name: 'test.fails', id: 'not-a-uuid' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(retryJob(admin, { name: 'test.fails', id: randomUUID() })).rejects.toBeInstanceOf(NotFoundError);
    await expect(retryJob(admin, { name: 'test\u0000fails', id: id! })).rejects.toBeInstanceOf(ValidationError);
    await expect(retryJob(admin, { name: 'x'.repeat(10_000), id: id! })).rejects.toBeInstanceOf(ValidationError);

    // Two admins pressing "retry" at once: one retry counts, the other is told.
    const both = await Promise.allSettled([
      retryJob(admin, { name: 'test.fails', id: id! }),
      retryJob(admin, { name: 'test.fails', id: id! }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(both.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(ConflictError);
    await expect.poll(() => attempts.length, { timeout: 10_000 }).toBe(4);
    await expect.poll(async () => (await failed())?.attempts, { timeout: 10_000 }).toBe(4);
    await expect(retryJob(admin, { name: 'test.fails', id: id! })).resolves.toBeUndefined();
    await expect(listJobs(await actor('alice@example.com'))).rejects.toBeInstanceOf(ForbiddenError);
  }, 60_000);

  it('a scheduled job runs once per period across both workers', async () => {
    // Every minute; each worker checks every second whether it is due. Wait for two periods.
    await expect.poll(() => ticks.length, { timeout: 75_000, interval: 500 }).toBeGreaterThanOrEqual(2);
    await sleep(3000);
    const minutes = ticks.map((t) => Math.floor(t.getTime() / 60_000));
    expect(ticks.length).toBe(2);
    expect(new Set(minutes).size).toBe(2);
  }, 90_000);

  it('the request sweep and entitlement expiry are scheduled jobs', async () => {
    const result = (await db().execute(sql`SELECT name, cron FROM pgboss.schedule ORDER BY name`)) as unknown as {
      rows: { name: string; cron: string }[];
    };
    expect(result.rows).toEqual(
      expect.arrayContaining([
        { name: 'entitlements.expire', cron: '*/5 * * * *' },
        { name: 'requests.sweep', cron: '*/5 * * * *' },
      ]),
    );
  });
});
