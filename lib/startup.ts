import { installClientAddressGuard } from './auth/client-address';
import { createStorage } from './dml';
import { authSecret, env } from './env';
import { logger } from './ops/logger';
import { installGracefulShutdown } from './ops/shutdown';
import { expireEntitlements, sweepRequests } from './requests/lifecycle';

const SWEEP_EVERY_MS = 5 * 60_000;

/**
 * Refuses to start without the configuration production needs (the env module has already
 * validated every variable when it was imported), removes temporary files of uploads that a
 * previous process never finished, and starts the periodic sweep of overdue requests and
 * expired entitlements. Also hooks every HTTP request (client address, request id, access log,
 * metrics) and takes over SIGTERM for a graceful shutdown.
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
  // Idempotent and race-free (conditional updates), so several instances may all run it. Pages
  // no longer sweep on every view: that put a write transaction in front of every inbox read.
  setInterval(() => {
    sweepRequests()
      .then(() => expireEntitlements())
      .catch((e: unknown) => logger().error({ err: e }, 'Request sweep failed'));
  }, SWEEP_EVERY_MS).unref();
}
