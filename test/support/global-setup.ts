import { PGlite } from '@electric-sql/pglite';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb, pgliteExtensions } from '@/db';
import { grantAppRole, runMigrations, userOf } from '@/db/migrate';
import { seed } from '@/db/seed';
import { LocalStorage } from '@/lib/dml/local-storage';
import { withDatabase } from './pg-url';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplateDb: string;
    seedStorageDir: string;
  }
}

/**
 * Builds one migrated and seeded database per engine, once per run; each test file then starts
 * from a copy of it (a PGlite dump loads in ~1 s, a PostgreSQL TEMPLATE copy in less).
 */
export default async function setup(project: TestProject) {
  const engine = project.config.env?.TEST_ENGINE ?? 'pglite';
  const work = await mkdtemp(path.join(os.tmpdir(), `portal-test-${engine}-`));
  const storageDir = path.join(work, 'dml');
  project.provide('seedStorageDir', storageDir);

  if (engine === 'pglite') {
    const client = new PGlite({ extensions: pgliteExtensions });
    const handle = createDb({ kind: 'pglite-instance', client });
    await runMigrations(handle);
    await seed(handle.db, new LocalStorage(storageDir));
    const dump = await client.dumpDataDir('none');
    const file = path.join(work, 'template.tar');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    await handle.close();
    project.provide('pgliteTemplate', file);
    project.provide('pgTemplateDb', '');
    return async () => rm(work, { recursive: true, force: true });
  }

  // The owner (DATABASE_MIGRATION_URL, else DATABASE_URL) makes and migrates the databases; the
  // services under test connect as DATABASE_URL's user, restricted as in production.
  const appUrl = process.env.DATABASE_URL!;
  const serverUrl = process.env.DATABASE_MIGRATION_URL || appUrl;
  const templateDb = `portal_tmpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDb}`);
  await admin.query(`CREATE DATABASE ${templateDb}`);
  const url = withDatabase(serverUrl, templateDb);
  const handle = createDb({ kind: 'postgres', url });
  await runMigrations(handle);
  await seed(handle.db, new LocalStorage(storageDir));
  if (userOf(appUrl) !== userOf(serverUrl)) await grantAppRole(handle.db, userOf(appUrl));
  await handle.close();
  project.provide('pgTemplateDb', templateDb);
  project.provide('pgliteTemplate', '');
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
    await admin.end();
    await rm(work, { recursive: true, force: true });
  };
}
