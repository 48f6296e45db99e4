import { afterAll, beforeAll } from 'vitest';
import { getDb } from '@/db';
import { JobQueue, type QueueSettings } from '@/lib/jobs/queue';
// The job modules the app's start-up imports, so their queues and handlers exist here too.
import '@/lib/notifications/jobs';
import '@/lib/requests/jobs';
import '@/lib/deployments/jobs';

/** Fast polling for tests: a job enqueued now runs within about half a second. */
export const testQueueSettings: QueueSettings = {
  worker: true,
  pollingIntervalSeconds: 0.5,
  cronMonitorIntervalSeconds: 1,
  maintenanceIntervalSeconds: 1,
};

/**
 * Runs a job worker on this test file's database, as the server process does (call after
 * setupTestDb). Returns a getter for the queue.
 */
export function runJobWorker(settings: Partial<QueueSettings> = {}): () => JobQueue {
  let queue: JobQueue | undefined;
  beforeAll(async () => {
    queue = new JobQueue(getDb(), { ...testQueueSettings, ...settings });
    await queue.start();
  });
  afterAll(async () => {
    await queue?.stop(2000);
  });
  return () => queue!;
}
