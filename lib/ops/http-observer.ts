import type http from 'node:http';
import { logger } from './logger';
import { metrics, routeClass } from './metrics';
import { requestIdFor, requestIdStore } from './request-id';

/** Requests being served by this process right now (graceful shutdown waits for them). */
const inFlight = new Set<http.ServerResponse>();
/** The servers that have served a request (graceful shutdown closes them). */
const servers = new Set<http.Server>();

export const requestsInFlight = (): number => inFlight.size;
export const observedServers = (): ReadonlySet<http.Server> => servers;

/**
 * Runs before Next.js sees a request (called from the http.Server hook in
 * lib/auth/client-address.ts): gives it a request id (request header for the app, response header
 * for the client), and when the answer is finished or cut, writes one access log line and counts
 * it in the HTTP metrics. Returns the id so the caller can run the rest of the request inside it.
 */
export function observeRequest(server: http.Server, req: http.IncomingMessage, res: http.ServerResponse, trustProxy: boolean): string {
  const started = process.hrtime.bigint();
  const id = requestIdFor(req.headers['x-request-id'], trustProxy);
  req.headers['x-request-id'] = id;
  res.setHeader('X-Request-Id', id);
  servers.add(server);
  inFlight.add(res);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    inFlight.delete(res);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // The query string can carry one-time values (device ids, callback URLs): the path is enough.
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routeClass(req.method ?? 'GET', path, req.headers['next-action'] !== undefined);
    const aborted = !res.writableFinished;
    const status = String(res.statusCode);
    const m = metrics();
    m.httpRequests.inc({ route, method: req.method ?? 'GET', status });
    m.httpDuration.observe({ route, status }, seconds);
    // Health probes arrive every few seconds from every balancer: keep them out of the info log.
    const level = route === 'health' || route === 'static' ? 'debug' : 'info';
    logger()[level](
      {
        type: 'access',
        requestId: id,
        method: req.method,
        path,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
        contentLength: res.getHeader('content-length'),
        client: req.headers['x-forwarded-for'],
        userAgent: req.headers['user-agent'],
        ...(aborted ? { aborted: true } : {}),
      },
      'request',
    );
  };
  res.once('finish', finish);
  res.once('close', finish);
  return id;
}

/** Runs `next` (Next.js handling the request) with the request id as its async context. */
export const withRequestId = <T>(id: string, next: () => T): T => requestIdStore().run(id, next);
