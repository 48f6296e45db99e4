import PgBoss from 'pg-boss';
import type { Db } from '@/db';
import { logger } from '@/lib/ops/logger';
import { clientExecutor } from './executor';
import { registeredJobs, type JobDefinition } from './registry';

export const JOB_SCHEMA = 'pgboss';

/** A job definition's retry settings as pg-boss keeps them on its queue. */
export const queueOptions = (job: JobDefinition) => ({
  name: job.name,
  policy: job.policy,
  retryLimit: job.retryLimit,
  retryDelay: job.retryDelaySeconds,
  retryBackoff: true,
  expireInSeconds: job.expireInSeconds,
});

export interface QueueSettings {
  /** false: this instance enqueues only (a web-only instance); no handler, cron or maintenance runs here. */
  worker: boolean;
  /** How often an idle worker looks for new jobs. */
  pollingIntervalSeconds?: number;
  /** How often this instance checks whether a scheduled job is due (one instance wins each check). */
  cronMonitorIntervalSeconds?: number;
  /** How often expired (crashed) jobs are retried and old ones archived. */
  maintenanceIntervalSeconds?: number;
}

/**
 * The job queue on one database: pg-boss over that database's own connection (a pg pool, or the
 * embedded PGlite), so PostgreSQL and PGlite run the same code. Its tables are created by the
 * migrations (db/migrations/*_jobs_queue.sql); it never migrates anything itself, so it runs as
 * the app's database user, which owns nothing.
 */
export class JobQueue {
  readonly boss: PgBoss;
  private started = false;

  constructor(
    db: Db,
    private readonly settings: QueueSettings,
  ) {
    this.boss = new PgBoss({
      db: clientExecutor(db),
      schema: JOB_SCHEMA,
      migrate: false,
      supervise: settings.worker,
      schedule: settings.worker,
      pollingIntervalSeconds: settings.pollingIntervalSeconds ?? 2,
      cronMonitorIntervalSeconds: settings.cronMonitorIntervalSeconds ?? 30,
      cronWorkerIntervalSeconds: Math.min(5, settings.cronMonitorIntervalSeconds ?? 5),
      maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds ?? 120,
    });
    // pg-boss reports database trouble as 'error' events; unheard, an EventEmitter would throw.
    this.boss.on('error', (e) => console.error(`Job queue: ${e.message}`));
  }

  /** Creates the queues of every defined job (idempotent), then, on a worker, starts handlers and schedules. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    this.started = true;
    const jobs = registeredJobs();
    for (const job of jobs) await this.ensureQueue(job);
    if (!this.settings.worker) return;
    for (const job of jobs) {
      if (job.cron) await this.boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
      await this.boss.work<object>(job.name, { batchSize: 5, includeMetadata: true }, (batch) => this.run(job, batch));
    }
  }

  /** Stops taking jobs, lets running ones finish (up to `timeoutMs`), then lets go of the database. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
  }

  private async ensureQueue(job: JobDefinition): Promise<void> {
    const options = queueOptions(job);
    await this.boss.createQueue(job.name, options);
    // An existing queue keeps its row: bring its retry settings in line with the code.
    await this.boss.updateQueue(job.name, options);
  }

  /**
   * Runs a batch one job at a time. A job whose handler throws is failed on its own (pg-boss then
   * retries it with backoff, or keeps it as failed with the error); the others are completed.
   */
  private async run(job: JobDefinition, batch: PgBoss.JobWithMetadata<object>[]): Promise<void> {
    for (const item of batch) {
      try {
        await job.handler(item.data ?? {}, { id: item.id, name: item.name, retryCount: item.retryCount });
        // One line per run, whichever instance ran it: the log shows each job ran once.
        logger().info({ job: job.name, jobId: item.id, attempt: item.retryCount + 1 }, 'job done');
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        const last = item.retryCount >= item.retryLimit;
        logger().error(
          { job: job.name, jobId: item.id, attempt: item.retryCount + 1, err: error.message },
          `job failed${last ? ', giving up' : ', will retry'}`,
        );
        await this.boss.fail(job.name, item.id, { message: error.message, stack: error.stack });
      }
    }
  }
}
