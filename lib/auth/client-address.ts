import http from 'node:http';
import { env } from '@/lib/env';
import { observeRequest, withRequestId } from '@/lib/ops/http-observer';

/**
 * How many reverse proxies in front of the portal append to X-Forwarded-For: 0 (none, the
 * default) means the header is the client's own invention and only the socket can be believed.
 */
export const trustedProxyHops = (): number => (env.TRUST_PROXY === 'true' ? 1 : env.TRUST_PROXY === 'false' ? 0 : Number(env.TRUST_PROXY));

/**
 * The client's address for one incoming request: with no trusted proxy, the socket's peer; behind
 * N trusted proxies, the entry the outermost trusted one appended (N from the right). Entries to the
 * left of it were written by the client and are ignored, so they cannot be used to dodge limits.
 */
export function addressOf(forwardedFor: string | string[] | undefined, socketAddress: string | undefined, hops: number): string {
  const socket = socketAddress ?? 'unknown';
  if (hops <= 0) return socket;
  const entries = [forwardedFor ?? []]
    .flat()
    .join(',')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return entries[entries.length - hops] ?? entries[0] ?? socket;
}

/**
 * Rewrites X-Forwarded-For on every request the process serves to the one address computed above,
 * before Next.js sees it. Next.js only fills the header in when it is missing, and route handlers,
 * server actions and Auth.js cannot see the socket, so this is the one place the truth is known.
 * It also hands each request to the observer (lib/ops/http-observer.ts).
 */
export function installClientAddressGuard(): void {
  const marker = Symbol.for('portal.clientAddressGuard');
  const proto = http.Server.prototype as unknown as Record<symbol, boolean> & { emit: http.Server['emit'] };
  if (proto[marker]) return;
  proto[marker] = true;
  const hops = trustedProxyHops();
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      req.headers['x-forwarded-for'] = addressOf(req.headers['x-forwarded-for'], req.socket?.remoteAddress, hops);
      delete req.headers['x-real-ip'];
      // The same hook is the one place around every response: request id, access log, HTTP metrics.
      const id = observeRequest(this, req, args[1] as http.ServerResponse, hops > 0);
      return withRequestId(id, () => (emit as (...a: unknown[]) => boolean).call(this, event, ...args));
    }
    return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as http.Server['emit'];
}

/** The client's address for rate limiting, as the guard left it in X-Forwarded-For. */
export function clientAddress(headers: Headers): string {
  return headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
}
