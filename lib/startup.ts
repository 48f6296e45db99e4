import { installClientAddressGuard } from './auth/client-address';
import { createStorage } from './dml';
import { authSecret, env } from './env';
import { startJobs } from './jobs/runtime';
import { logger } from './ops/logger';
import { installGracefulShutdown } from './ops/shutdown';
// Every module that defines jobs, so that this instance creates their queues and (as a worker)
// runs their handlers. A new domain with jobs adds its `jobs.ts` here.
import './notifications/jobs';
import './requests/jobs';
import './deployments/jobs';

/**
 * Refuses to start without the configuration production needs (the env module has already
 * validated every variable when it was imported), removes temporary files of uploads that a
 * previous process never finished, and starts the job queue (mail, the request sweep and
 * entitlement expiry; see lib/jobs). Also hooks every HTTP request (client address, request id,
 * access log, metrics) and takes over SIGTERM for a graceful shutdown (which stops the workers).
 */
export async function checkStartup(): Promise<void> {
  installClientAddressGuard();
  installGracefulShutdown();
  try {
    authSecret();
  } catch (e) {
    console.error(`\nThe portal cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  // A store of its own: this module runs in the instrumentation layer, apart from the routes.
  // Only uploads older than the threshold: another instance sharing the store may be mid-upload.
  const removed = await createStorage()
    .cleanTemporaryFiles({ olderThanMinutes: env.DML_TEMP_MAX_AGE_MINUTES })
    .catch((e: unknown) => {
      logger().error({ err: e }, 'Could not clean the media library of unfinished uploads');
      return 0;
    });
  if (removed > 0) logger().info({ removed }, "Removed unfinished uploads from the media library's temporary folder.");
  startJobQueue();
}

/**
 * Jobs wait safely in the database, so a queue that cannot start yet (database not reachable,
 * migrations not run) does not stop the portal from serving: it says why and tries again.
 */
function startJobQueue(): void {
  startJobs()
    .then(() => {
      if (!env.JOBS_WORKER) logger().info('JOBS_WORKER=false: this instance queues background jobs but runs none.');
    })
    .catch((e: unknown) => {
      logger().error({ err: e }, 'The job queue did not start; trying again in 30 s. Has `npm run db:migrate` run?');
      setTimeout(startJobQueue, 30_000).unref();
    });
}
