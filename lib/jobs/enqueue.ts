import PgBoss from 'pg-boss';
import type { DbOrTx } from '@/db';
import { transactionExecutor } from './executor';
import { JOB_SCHEMA, queueOptions } from './queue';
import type { JobDefinition } from './registry';

export interface EnqueueOptions {
  /** With a queue policy other than 'standard', at most one job per key waits (or runs) at a time. */
  singletonKey?: string;
  /** Not before this moment (e.g. a deployment's available-from). */
  startAfter?: Date;
  /** Overrides the job definition's retry limit for this one job. */
  retryLimit?: number;
}

// pg-boss instances that are never started (no connection, no worker): they build the statements,
// which run through the executor of the caller's transaction.
const sender = new PgBoss({ schema: JOB_SCHEMA, migrate: false, db: { executeSql: () => Promise.reject(new Error('unused')) } });
const bossIn = (tx: DbOrTx) => new PgBoss({ schema: JOB_SCHEMA, migrate: false, db: transactionExecutor(tx) });

async function queueExists(tx: DbOrTx, name: string): Promise<boolean> {
  const { rows } = await transactionExecutor(tx).executeSql(`SELECT 1 FROM ${JOB_SCHEMA}.queue WHERE name = $1`, [name]);
  return rows.length > 0;
}

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
  const send = () => sender.send(job.name, payload, { ...given, db: transactionExecutor(tx) });
  let id = await send();
  // pg-boss inserts nothing into a queue that does not exist, which would lose the job. Queues are
  // created when an instance starts; a process that never started one (a script, a first run)
  // creates it here, in the same transaction, once.
  if (id === null && !(await queueExists(tx, job.name))) {
    await bossIn(tx).createQueue(job.name, queueOptions(job as unknown as JobDefinition));
    id = await send();
  }
  return id;
}
