import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import type { Db, DbOrTx } from '@/db';

/**
 * pg-boss runs its SQL through an executor of our choosing. These two adapters are what lets one
 * queue run on both engines and join our transactions:
 * - `transactionExecutor(tx)`: inside a drizzle transaction, so a job is inserted with the change
 *   that causes it (a rollback sends nothing, a commit loses nothing);
 * - `clientExecutor(db)`: the database handle's own pool (PostgreSQL) or embedded PGlite, for
 *   the workers, maintenance and cron.
 */

/** pg-boss writes `$1`…`$n`; drizzle numbers its own parameters, so each `$n` becomes a param. */
function toSql(text: string, values: unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  // Even indexes are SQL text, odd ones parameter numbers. sql.param keeps arrays as one value
  // (a uuid[] parameter) instead of expanding them into a list.
  return sql.join(parts.map((p, i) => (i % 2 ? sql.param(values[Number(p) - 1]) : sql.raw(p))));
}

export function transactionExecutor(tx: DbOrTx): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const result = (await tx.execute(toSql(text, values))) as unknown as { rows: unknown[] };
      return { rows: result.rows };
    },
  };
}

const isPglite = (client: unknown): client is PGlite => typeof (client as PGlite).exec === 'function';

export function clientExecutor(db: Db): PgBoss.Db {
  const client = (db as unknown as { $client: Pool | PGlite }).$client;
  if (isPglite(client)) {
    return {
      async executeSql(text, values) {
        // Maintenance sends several statements (BEGIN; …; COMMIT) without parameters: only
        // exec() runs those on PGlite, and it holds the database for the whole batch.
        if (!values?.length) {
          const results = await client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        return { rows: (await client.query(text, values)).rows };
      },
    };
  }
  // node-postgres runs a parameterless multi-statement text on one connection of the pool.
  return { executeSql: async (text, values) => ({ rows: (await client.query(text, values)).rows }) };
}
