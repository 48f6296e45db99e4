import { getDb } from '@/db';
import { env } from '@/lib/env';
import { JobQueue } from './queue';

// One queue per process, kept on globalThis so that a dev-server reload does not start a second.
const holder = globalThis as unknown as { __portalJobQueue?: JobQueue };

/**
 * Starts this instance's job queue on the process's database: creates the queues of every job
 * defined so far and, unless JOBS_WORKER=false, runs their handlers, schedules and maintenance.
 */
export async function startJobs(): Promise<JobQueue> {
  if (!holder.__portalJobQueue) {
    const queue = new JobQueue(getDb(), { worker: env.JOBS_WORKER });
    try {
      await queue.start();
    } catch (e) {
      await queue.stop(1000).catch(() => {}); // no timers or workers left behind by a half start
      throw e;
    }
    holder.__portalJobQueue = queue;
  }
  return holder.__portalJobQueue;
}

/** Stops the workers cleanly: running jobs finish (or are failed, and retried elsewhere). */
export async function stopJobs(): Promise<void> {
  const queue = holder.__portalJobQueue;
  holder.__portalJobQueue = undefined;
  await queue?.stop();
}
