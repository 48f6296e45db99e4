import { sql } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import { getDb, type DbOrTx } from '@/db';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, ConflictError, NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/pipeline/schema';
import { transactionExecutor } from './executor';
import { JOB_SCHEMA } from './queue';
import { retryJobInput, type RetryJobInput } from './schema';

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobView {
  id: string;
  name: string;
  state: JobState;
  /** Attempts made so far, and how many are allowed in all. */
  attempts: number;
  maxAttempts: number;
  createdOn: Date;
  startAfter: Date;
  startedOn: Date | null;
  completedOn: Date | null;
  /** The last failure's message, kept with a failed (or retrying) job. */
  error: string | null;
}

export interface JobOverview {
  queued: JobView[];
  active: JobView[];
  failed: JobView[];
  completed: JobView[];
}

const LIMIT = 50;
// pg-boss's own bookkeeping queue (cron hand-off) is not the admin's business.
const own = sql`name NOT LIKE '\\_\\_pgboss\\_\\_%'`;

interface Row {
  id: string;
  name: string;
  state: JobState;
  retry_count: number;
  retry_limit: number;
  created_on: string | Date;
  start_after: string | Date;
  started_on: string | Date | null;
  completed_on: string | Date | null;
  error: string | null;
}

const date = (v: string | Date) => (v instanceof Date ? v : new Date(v));

function view(r: Row): JobView {
  // A job that failed and waits for its retry has been tried once more than its count says.
  const attempts = r.state === 'created' ? r.retry_count : r.retry_count + (r.state === 'retry' ? 0 : 1);
  return {
    id: r.id,
    name: r.name,
    state: r.state,
    attempts,
    maxAttempts: r.retry_limit + 1,
    createdOn: date(r.created_on),
    startAfter: date(r.start_after),
    startedOn: r.started_on ? date(r.started_on) : null,
    completedOn: r.completed_on ? date(r.completed_on) : null,
    error: r.error,
  };
}

const columns = sql.raw(
  `id, name, state::text AS state, retry_count, retry_limit, created_on, start_after, started_on, completed_on, output->>'message' AS error`,
);

async function select(db: DbOrTx, table: 'job' | 'archive', where: ReturnType<typeof sql>, order: string): Promise<JobView[]> {
  const result = (await db.execute(
    sql`SELECT ${columns} FROM ${sql.raw(`${JOB_SCHEMA}.${table}`)} WHERE ${own} AND ${where} ORDER BY ${sql.raw(order)} LIMIT ${LIMIT}`,
  )) as unknown as { rows: Row[] };
  return result.rows.map(view);
}

/** What the queue holds: waiting, running, failed (with their errors) and completed in the last day. Admins only. */
export async function listJobs(actor: Actor): Promise<JobOverview> {
  assertRole(actor, 'admin');
  const db = getDb();
  const [queued, active, failed, recent, archived] = await Promise.all([
    select(db, 'job', sql`state IN ('created', 'retry')`, 'start_after, created_on'),
    select(db, 'job', sql`state = 'active'`, 'started_on'),
    select(db, 'job', sql`state = 'failed'`, 'completed_on DESC'),
    select(db, 'job', sql`state = 'completed' AND completed_on > now() - interval '1 day'`, 'completed_on DESC'),
    // Completed jobs move to the archive after a while; the last day's are still shown.
    select(db, 'archive', sql`state = 'completed' AND completed_on > now() - interval '1 day'`, 'completed_on DESC'),
  ]);
  const completed = [...recent, ...archived].sort((a, b) => b.completedOn!.getTime() - a.completedOn!.getTime()).slice(0, LIMIT);
  return { queued, active, failed, completed };
}

// Builds pg-boss's retry statement; it runs in our transaction, next to the audit entry.
const boss = new PgBoss({ schema: JOB_SCHEMA, migrate: false, db: { executeSql: () => Promise.reject(new Error('unused')) } });

/** An admin runs a failed job again (one more attempt); recorded in the audit log. */
export async function retryJob(actor: Actor, input: RetryJobInput): Promise<void> {
  assertRole(actor, 'admin');
  const { name, id } = parseInput(retryJobInput, input);
  assertId(id, 'No such job.', 'id');
  await getDb().transaction(async (tx) => {
    // Locked first: of two admins retrying at once, the second waits and then sees it retried.
    await tx.execute(sql`SELECT 1 FROM ${sql.raw(JOB_SCHEMA)}.job WHERE name = ${name} AND id = ${id} FOR UPDATE`);
    const [job] = await select(tx, 'job', sql`name = ${name} AND id = ${id}`, 'id');
    if (!job) throw new NotFoundError('No such job.', 'id');
    if (job.state !== 'failed') throw new ConflictError(`This job is ${job.state}, not failed: there is nothing to retry.`);
    await boss.retry(name, id, { db: transactionExecutor(tx) });
    const [after] = await select(tx, 'job', sql`name = ${name} AND id = ${id} AND state = 'retry'`, 'id');
    if (!after) throw new ConflictError('This job changed while you looked at it; reload the page.');
    await recordAudit(
      { actor: { kind: 'user', id: actor.id }, action: 'job.retried', entityType: 'job', entityId: id, before: { name, error: job.error } },
      tx,
    );
  });
}
