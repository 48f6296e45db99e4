import PgBoss from 'pg-boss';
import type { DbOrTx } from '@/db';
import { transactionExecutor } from './executor';
import { JOB_SCHEMA } from './queue';
import type { JobDefinition } from './registry';

export interface EnqueueOptions {
  /** With a queue policy other than 'standard', at most one job per key waits (or runs) at a time. */
  singletonKey?: string;
  /** Not before this moment (e.g. a deployment's available-from). */
  startAfter?: Date;
  /** Overrides the job definition's retry limit for this one job. */
  retryLimit?: number;
}

// Builds the INSERT only; every send below passes the caller's transaction as its executor, so
// this instance never opens a connection of its own.
const sender = new PgBoss({
  schema: JOB_SCHEMA,
  migrate: false,
  db: { executeSql: () => Promise.reject(new Error('jobs are enqueued through a transaction')) },
});

/**
 * Queues a job inside the caller's transaction: it exists when, and only when, that transaction
 * commits, and from then on it survives any crash until a worker has run it.
 *
 *   await db.transaction(async (tx) => { …change…; await enqueue(tx, sendMailJob, { to, subject, text }); });
 *
 * Returns the job id, or null when a job with the same singletonKey is already waiting.
 */
export async function enqueue<P extends object>(
  tx: DbOrTx,
  job: JobDefinition<P>,
  payload: P,
  options: EnqueueOptions = {},
): Promise<string | null> {
  // pg-boss checks the options present, even when undefined: pass only those given.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const id = await sender.send(job.name, payload, { ...given, db: transactionExecutor(tx) });
  // pg-boss inserts nothing for a queue that does not exist; lost silently that would be a lost
  // job. Queues are created when an instance starts (lib/startup.ts imports every job module).
  if (id === null) {
    const executor = transactionExecutor(tx);
    const { rows } = await executor.executeSql(`SELECT 1 FROM ${JOB_SCHEMA}.queue WHERE name = $1`, [job.name]);
    if (rows.length === 0) throw new Error(`Job queue ${job.name} does not exist: is its module imported by lib/startup.ts?`);
  }
  return id;
}
