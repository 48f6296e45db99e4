/**
 * What a job is: a name, a handler, and how it is retried. Domains define their jobs at module
 * level in a `jobs.ts` of their own, and lib/startup.ts imports those modules so that the
 * workers of this instance know every handler.
 *
 *   // A job other code enqueues (in the transaction that causes it, see enqueue.ts):
 *   export const activateDeployment = defineJob<{ deploymentId: string }>('deployments.activate',
 *     ({ deploymentId }) => activate(deploymentId), { retryLimit: 5 });
 *
 *   // A scheduled job: one line; it runs once per period across all instances (UTC cron).
 *   defineSchedule('deployments.deadlines', '* * * * *', () => enforceDeadlines());
 */

export type JobPolicy = 'standard' | 'short' | 'singleton' | 'stately';

export interface JobOptions {
  /** Attempts after the first one before the job is kept as failed (default 5). */
  retryLimit?: number;
  /** Seconds before the first retry; doubled on every further retry (default 30). */
  retryDelaySeconds?: number;
  /** A run taking longer than this is taken as lost (crashed instance) and retried (default 300). */
  expireInSeconds?: number;
  /**
   * pg-boss queue policy. 'standard' queues every job; with 'short' at most one job per
   * singletonKey waits at a time (a second enqueue with the same key is dropped), with
   * 'singleton' at most one per key runs at a time, 'stately' combines both.
   */
  policy?: JobPolicy;
}

export interface JobInfo {
  id: string;
  name: string;
  /** 0 on the first attempt. */
  retryCount: number;
}

export type JobHandler<P> = (payload: P, job: JobInfo) => Promise<unknown>;

export interface JobDefinition<P extends object = object> extends Required<JobOptions> {
  name: string;
  handler: JobHandler<P>;
  /** Set for scheduled jobs: a five-field cron expression, evaluated in UTC. */
  cron?: string;
}

// Kept on globalThis: Next.js may load a module twice (instrumentation and route bundles, dev
// reloads), and the worker must see every definition whichever copy made it.
const holder = globalThis as unknown as { __portalJobs?: Map<string, JobDefinition> };
const registry = (holder.__portalJobs ??= new Map());

const NAME = /^[a-z][a-z0-9_.-]{0,99}$/;

export function defineJob<P extends object>(name: string, handler: JobHandler<P>, options: JobOptions = {}): JobDefinition<P> {
  if (!NAME.test(name)) throw new Error(`Job name ${JSON.stringify(name)}: lower-case letters, digits, '.', '_' or '-'`);
  const job: JobDefinition<P> = {
    name,
    handler,
    retryLimit: options.retryLimit ?? 5,
    retryDelaySeconds: options.retryDelaySeconds ?? 30,
    expireInSeconds: options.expireInSeconds ?? 300,
    policy: options.policy ?? 'standard',
  };
  registry.set(name, job as unknown as JobDefinition);
  return job;
}

/** A job the queue starts by itself on a cron schedule (UTC), once per period across instances. */
export function defineSchedule(name: string, cron: string, run: () => Promise<unknown>, options: JobOptions = {}): JobDefinition {
  // 'short': a period's run that is still waiting absorbs the next one instead of piling up.
  const job = defineJob(name, () => run(), { retryLimit: 2, ...options, policy: options.policy ?? 'short' });
  job.cron = cron;
  return job;
}

export function registeredJobs(): JobDefinition[] {
  return [...registry.values()];
}

export function findJob(name: string): JobDefinition | undefined {
  return registry.get(name);
}
