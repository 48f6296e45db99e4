import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDb, pgliteExtensions, setDbHandle, type Db, type DbHandle } from '@/db';
import { getStorage, setStorage } from '@/lib/dml';
import { LocalStorage } from '@/lib/dml/local-storage';
import { withDatabase } from './pg-url';

export const engine = (process.env.TEST_ENGINE ?? 'pglite') as 'pglite' | 'postgres';

/** The root of this test file's private DML store. */
export function testStorageRoot(): string {
  return (getStorage() as LocalStorage).root;
}

// This file's database as its owner sees it (PostgreSQL only: the services connect as a role that
// owns nothing, so schema changes a test makes on purpose go through the owner).
let ownerUrl: string | undefined;

/**
 * Runs one statement as the schema owner: on PGlite the services' own handle, on PostgreSQL
 * DATABASE_MIGRATION_URL's user on this file's database.
 */
export async function asSchemaOwner(db: Db, statement: string): Promise<void> {
  if (!ownerUrl) {
    await db.execute(statement);
    return;
  }
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query(statement);
  } finally {
    await owner.end();
  }
}

/**
 * Gives this test file a database of its own, copied from the run's migrated and seeded
 * template, and points the services at it. Returns a getter for the drizzle handle.
 */
export function setupTestDb(): () => Db {
  let handle: DbHandle | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  let storageRoot: string | undefined;

  beforeAll(async () => {
    // A private copy of the seeded DML store: tests that tamper with files or count temporary
    // files must not see other files' work.
    const storageDir = await mkdtemp(path.join(os.tmpdir(), 'portal-dml-'));
    await cp(inject('seedStorageDir'), storageDir, { recursive: true });
    setStorage(new LocalStorage(storageDir));
    storageRoot = storageDir;
    if (engine === 'pglite') {
      const tar = await readFile(inject('pgliteTemplate'));
      const client = new PGlite({ loadDataDir: new Blob([tar]), extensions: pgliteExtensions });
      handle = createDb({ kind: 'pglite-instance', client });
    } else {
      const appUrl = process.env.DATABASE_URL!;
      const serverUrl = process.env.DATABASE_MIGRATION_URL || appUrl;
      const name = `portal_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplateDb')}`);
      handle = createDb({ kind: 'postgres', url: withDatabase(appUrl, name) });
      ownerUrl = withDatabase(serverUrl, name);
      dropDb = async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      };
    }
    setDbHandle(handle);
  });

  afterAll(async () => {
    await handle?.close();
    await dropDb?.();
    if (storageRoot) await rm(storageRoot, { recursive: true, force: true });
  });

  return () => {
    if (!handle) throw new Error('setupTestDb: the database is not ready (use it inside tests or hooks)');
    return handle.db;
  };
}
