import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { dataDir, env } from '../lib/env';
import { lockDataDir } from './pglite-lock';
import * as schema from './schema';

/**
 * Callers see one type whichever engine is underneath. The PGlite and node-postgres drizzle
 * databases share the same query builder; only driver-level result shapes differ, so services
 * read `.returning()` rows rather than driver row counts.
 */
export type Db = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A database or an open transaction: services accept either so they can be composed. */
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export type DbTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string } | { kind: 'pglite-instance'; client: PGlite };

/**
 * Extensions the migrations create (pg_trgm for the desk's text filters). PGlite must be given
 * them when it opens, before `CREATE EXTENSION` can run; pass these to every PGlite instance.
 */
export const pgliteExtensions = { pg_trgm };

export function defaultTarget(): DbTarget {
  return env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dir: path.join(dataDir, 'pglite') };
}

export function createDb(target: DbTarget = defaultTarget()): DbHandle {
  if (target.kind === 'postgres') {
    const pool = new Pool({ connectionString: target.url, max: env.DATABASE_POOL_MAX });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it on the next query.
    pool.on('error', (e) => console.error(`PostgreSQL connection lost: ${e.message}`));
    return { db: drizzlePg(pool, { schema }), kind: 'postgres', close: () => pool.end() };
  }
  let client: PGlite;
  let release = () => {};
  if (target.kind === 'pglite') {
    release = lockDataDir(target.dir);
    mkdirSync(target.dir, { recursive: true });
    client = new PGlite(target.dir, { extensions: pgliteExtensions });
  } else {
    client = target.client;
  }
  // See the comment on `Db`: the PGlite database is used through the shared builder type.
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await client.close();
      release();
    },
  };
}

// One handle per process, kept on globalThis so that dev-server reloads reuse it instead of
// opening the embedded database twice.
const holder = globalThis as unknown as { __portalDb?: DbHandle };

export function getDb(): Db {
  holder.__portalDb ??= createDb();
  return holder.__portalDb.db;
}

/** Replaces the process-wide handle (tests point services at their own database). */
export function setDbHandle(handle: DbHandle): void {
  holder.__portalDb = handle;
}

export { schema };

/**
 * Runs `work` with `db` as the process-wide handle, then puts the previous one back. The seed
 * drives services that call getDb() (the install ledger, request fulfilment) on the database its
 * caller opened: opening a second PGlite on the same folder would corrupt it. For scripts only,
 * never in a running server: the swap is process-wide, so a concurrent request would use `db` too.
 */
export async function withDb<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const previous = holder.__portalDb;
  // Closing is the caller's business: this borrowed handle never closes the database.
  holder.__portalDb = { db, kind: previous?.kind ?? 'pglite', close: async () => {} };
  try {
    return await work();
  } finally {
    if (previous) holder.__portalDb = previous;
    else delete holder.__portalDb;
  }
}
