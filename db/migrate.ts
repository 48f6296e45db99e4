import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, type DbHandle } from './index';
import { runIfMain } from './run-script';

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function runMigrations(handle: DbHandle): Promise<void> {
  // Both migrators take the same config; the cast reflects the shared-type choice in db/index.ts.
  if (handle.kind === 'postgres') await migratePg(handle.db, { migrationsFolder });
  else await migratePglite(handle.db as unknown as Parameters<typeof migratePglite>[0], { migrationsFolder });
}

runIfMain(import.meta.url, async () => {
  const handle = createDb();
  try {
    await runMigrations(handle);
    console.log(`Migrations applied (${handle.kind}).`);
  } finally {
    await handle.close();
  }
});
