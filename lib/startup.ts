import { installClientAddressGuard } from './auth/client-address';
import { createStorage } from './dml';
import { authSecret, env } from './env';
import { startJobs, stopJobs } from './jobs/runtime';
// Every module that defines jobs, so that this instance creates their queues and (as a worker)
// runs their handlers. A new domain with jobs adds its `jobs.ts` here.
import './notifications/jobs';
import './requests/jobs';

/**
 * Refuses to start without the configuration production needs (the env module has already
 * validated every variable when it was imported), removes temporary files of uploads that a
 * previous process never finished, and starts the job queue (mail, the request sweep and
 * entitlement expiry; see lib/jobs), which stops cleanly when the process is asked to end.
 */
export async function checkStartup(): Promise<void> {
  installClientAddressGuard();
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
      console.error('Could not clean the media library of unfinished uploads', e);
      return 0;
    });
  if (removed > 0) console.log(`Removed ${removed} unfinished upload(s) from the media library's temporary folder.`);
  startJobQueue();
  // Running jobs get up to ten seconds to finish; one cut short is failed and retried elsewhere
  // (or, if the process dies first, retried once its time-out passes). Next.js exits on these
  // signals by itself; where nothing else listens (NEXT_MANUAL_SIG_HANDLE), exit once stopped.
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    process.once(signal, () => {
      stopJobs()
        .catch((e: unknown) => console.error('Job queue did not stop cleanly', e))
        .finally(() => {
          if (process.listenerCount(signal) === 0) process.exit(code);
        });
    });
  }
}

/**
 * Jobs wait safely in the database, so a queue that cannot start yet (database not reachable,
 * migrations not run) does not stop the portal from serving: it says why and tries again.
 */
function startJobQueue(): void {
  startJobs()
    .then(() => {
      if (!env.JOBS_WORKER) console.log('JOBS_WORKER=false: this instance queues background jobs but runs none.');
    })
    .catch((e: unknown) => {
      console.error(`The job queue did not start (${(e as Error).message}); trying again in 30 s. Has \`npm run db:migrate\` run?`);
      setTimeout(startJobQueue, 30_000).unref();
    });
}
