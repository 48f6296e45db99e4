import { env } from '@/lib/env';
import { stopJobs } from '@/lib/jobs/runtime';
import { observedServers, requestsInFlight } from './http-observer';
import { logger } from './logger';

let draining = false;

/** True once SIGTERM arrived: readiness answers 503 so balancers stop sending new requests. */
export const isShuttingDown = (): boolean => draining;

/**
 * Graceful shutdown on SIGTERM (and SIGINT): stop accepting connections, let in-flight requests
 * (a download of several GB, say) finish for up to SHUTDOWN_GRACE_SECONDS, then cut what is left
 * and exit 0. Next.js's own handler (`next start`) would wait for in-flight requests without any
 * limit and exit 143, so `npm start` sets NEXT_MANUAL_SIG_HANDLE=1 to leave the signals to us.
 */
export function installGracefulShutdown(): void {
  const marker = Symbol.for('portal.gracefulShutdown');
  const flags = globalThis as unknown as Record<symbol, boolean>;
  if (flags[marker]) return;
  flags[marker] = true;
  if (!process.env.NEXT_MANUAL_SIG_HANDLE) {
    // `next dev` and a bare `next start`: Next.js keeps the signals (it drains without a limit, exits 143).
    if (env.NODE_ENV === 'production') {
      logger().warn('NEXT_MANUAL_SIG_HANDLE is not set: Next.js handles SIGTERM itself, without a grace limit (use `npm start`).');
    }
    return;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    void drain(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function drain(signal: NodeJS.Signals): Promise<void> {
  const graceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
  logger().info({ signal, inFlight: requestsInFlight(), graceSeconds: env.SHUTDOWN_GRACE_SECONDS }, 'shutting down');
  // close() stops listening at once and drops idle keep-alive connections; busy ones finish.
  for (const server of observedServers()) server.close();
  // The job workers stop taking jobs now; running ones may finish (up to 10 s), the rest are
  // failed and retried by another instance.
  const jobsStopped = stopJobs().catch((e: unknown) => logger().error({ err: e }, 'the job queue did not stop cleanly'));
  const deadline = Date.now() + graceMs;
  while (requestsInFlight() > 0 && Date.now() < deadline) {
    for (const server of observedServers()) server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 100));
  }
  const cut = requestsInFlight();
  for (const server of observedServers()) server.closeAllConnections();
  logger().info({ cut }, cut ? 'grace period over: cut the requests still running' : 'all requests finished');
  await jobsStopped;
  // Let pino's stdout write go out before the process ends.
  logger().flush();
  process.exit(0);
}
