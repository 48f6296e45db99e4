import { sql } from 'drizzle-orm';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '../lib/env';
import { createDb, defaultTarget, type Db, type DbHandle } from './index';
import { runIfMain } from './run-script';

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function runMigrations(handle: DbHandle): Promise<void> {
  // Both migrators take the same config; the cast reflects the shared-type choice in db/index.ts.
  if (handle.kind === 'postgres') await migratePg(handle.db, { migrationsFolder });
  else await migratePglite(handle.db as unknown as Parameters<typeof migratePglite>[0], { migrationsFolder });
}

/** The user name in a connection string. */
export const userOf = (url: string) => decodeURIComponent(new URL(url).username || 'postgres');

/**
 * What the app's own database user may do, granted by the owner after every migration (so new
 * tables are covered): read and write rows, but only append to the install ledger and the audit
 * log. Not being their owner, it can neither alter the tables nor disable their triggers.
 */
export async function grantAppRole(owner: Db, appUser: string): Promise<void> {
  const role = sql.identifier(appUser);
  await owner.execute(sql`GRANT USAGE ON SCHEMA public TO ${role}`);
  await owner.execute(sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  await owner.execute(sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  await owner.execute(sql`REVOKE UPDATE, DELETE, TRUNCATE ON install_events, audit_events FROM ${role}`);
  // Readiness checks compare the applied migrations with the code's.
  await owner.execute(sql`GRANT USAGE ON SCHEMA drizzle TO ${role}`);
  await owner.execute(sql`GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO ${role}`);
  // The job queue (pg-boss): rows only. New queues get their tables through the owner's
  // pgboss.create_queue (SECURITY DEFINER, see the jobs_queue migration); rows in them are
  // reached through the partitioned pgboss.job, whose grants cover its partitions.
  await owner.execute(sql`GRANT USAGE ON SCHEMA pgboss TO ${role}`);
  await owner.execute(sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO ${role}`);
}

runIfMain(import.meta.url, async () => {
  // Without DATABASE_URL the app runs on PGlite, so that is what gets migrated.
  const ownerUrl = env.DATABASE_URL ? (env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL) : undefined;
  const handle = createDb(ownerUrl ? { kind: 'postgres', url: ownerUrl } : defaultTarget());
  try {
    await runMigrations(handle);
    console.log(`Migrations applied (${handle.kind}).`);
    if (env.DATABASE_URL && ownerUrl && userOf(env.DATABASE_URL) !== userOf(ownerUrl)) {
      await grantAppRole(handle.db, userOf(env.DATABASE_URL));
      console.log(`Privileges granted to the app's database user "${userOf(env.DATABASE_URL)}".`);
    }
  } finally {
    await handle.close();
  }
});
