import { sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import journal from '@/db/migrations/meta/_journal.json';
import { getStorage } from '@/lib/dml';
import type { DmlStorage } from '@/lib/dml/storage';
import { logger } from './logger';
import { isShuttingDown } from './shutdown';

export interface Check {
  ok: boolean;
  /** What failed, in words an operator can act on; absent when ok. */
  error?: string;
}

export interface Readiness {
  ok: boolean;
  checks: { database: Check; migrations: Check; storage: Check; shutdown: Check };
}

/** A probe must answer before the balancer's own timeout: a hanging dependency counts as down. */
const TIMEOUT_MS = 3000;
const PROBE_KEY = '0'.repeat(64);

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const failed = (what: string, e: unknown): Check => {
  logger().warn({ err: e, check: what }, 'readiness check failed');
  return { ok: false, error: e instanceof Error ? e.message : String(e) };
};

/**
 * The code's migrations (the journal bundled with it) must all be applied: an instance started
 * on an older schema would fail on its first query that needs the new one. A database ahead of
 * the code (a newer instance already migrated it) is fine for a rolling update.
 */
export async function checkMigrations(db: DbOrTx, expected = journal.entries): Promise<Check> {
  const rows = await db.execute<{ created_at: string | number }>(sql`SELECT created_at FROM drizzle.__drizzle_migrations`);
  const applied = new Set(rows.rows.map((r) => Number(r.created_at)));
  const missing = expected.filter((e) => !applied.has(e.when)).map((e) => e.tag);
  if (missing.length === 0) return { ok: true };
  return { ok: false, error: `${missing.length} migration(s) not applied (run npm run db:migrate): ${missing.join(', ')}` };
}

/** Whether this instance can serve: database, schema, media library storage, and not shutting down. */
export async function checkReadiness(db: DbOrTx = getDb(), storage: Pick<DmlStorage, 'has'> = getStorage()): Promise<Readiness> {
  const [database, migrations, store] = await Promise.all([
    withTimeout(db.execute(sql`SELECT 1`), 'The database').then(
      (): Check => ({ ok: true }),
      (e) => failed('database', e),
    ),
    withTimeout(checkMigrations(db), 'The database').catch((e) => failed('migrations', e)),
    // A key no content hashes to: a cheap round trip (one HEAD on S3) that proves the store answers.
    withTimeout(storage.has(PROBE_KEY), 'The media library storage').then(
      (): Check => ({ ok: true }),
      (e) => failed('storage', e),
    ),
  ]);
  const shutdown: Check = isShuttingDown() ? { ok: false, error: 'This instance is shutting down.' } : { ok: true };
  const checks = { database, migrations, storage: store, shutdown };
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}
