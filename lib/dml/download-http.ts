import { authenticateDevice } from '@/lib/devices/service';
import { loadSessionActor } from '@/lib/auth/sessions';
import { AppError, asInputError, UnauthorizedError } from '@/lib/errors';
import { recordedBrowserBody } from '@/lib/installs/browser-download';
import { logger } from '@/lib/ops/logger';
import { currentRequestId } from '@/lib/ops/request-id';
import { openDownload, type DownloadPrincipal } from './download';
import { isStorageUnavailable, STORAGE_UNAVAILABLE_MESSAGE } from './storage';

export interface DownloadHttpRequest {
  method: 'GET' | 'HEAD';
  artifactId: string;
  headers: Headers;
  searchParams: URLSearchParams;
  /** The session id from the session cookie, looked up only when no device token is sent. */
  sessionId: () => Promise<string | undefined>;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}

// Error bodies carry the request id (as the X-Request-Id header does), to match a report to the log.
const json = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  body: new Blob([JSON.stringify({ ...payload, requestId: currentRequestId() })]).stream(),
});

/**
 * The one place a download request becomes a principal. /api/ is outside the proxy, so this is the
 * only authentication check. A Bearer token is a device's (the agent), checked before the session
 * cookie: a bad one is a 401 even in a signed-in browser, never a silent fallback.
 */
async function principalOf(req: DownloadHttpRequest): Promise<DownloadPrincipal | null> {
  const authorization = req.headers.get('authorization');
  if (authorization && /^Bearer\s/i.test(authorization)) {
    const device = await authenticateDevice(authorization);
    return { kind: 'device', deviceId: device.deviceId, ownerId: device.ownerId };
  }
  const actor = await loadSessionActor(await req.sessionId());
  if (!actor) return null;
  return { kind: 'user', actor, deviceId: req.searchParams.get('device') ?? undefined };
}

/** Status, headers and verified body of a download, independent of the web framework serving it. */
export async function answerDownload(req: DownloadHttpRequest): Promise<HttpAnswer> {
  try {
    const principal = await principalOf(req);
    if (!principal) return json(401, { error: 'Sign in to download.' });
    // Not a uuid: the service answers 404, like an unknown id.
    const r = await openDownload(principal, req.artifactId, {
      method: req.method,
      range: req.headers.get('range'),
      ifRange: req.headers.get('if-range'),
    });
    if (r.status === 416) return json(416, { error: 'The requested range lies outside the file.', field: 'range' }, r.headers);
    // A browser download is recorded here; the agent reports its own downloads.
    const body =
      principal.kind === 'user'
        ? await recordedBrowserBody({ userId: principal.actor.id, deviceId: principal.deviceId }, req.artifactId, r)
        : r.body;
    return { status: r.status, headers: r.headers, body };
  } catch (caught) {
    // By name: the store may come from another bundle than this module (see storage.ts).
    if (isStorageUnavailable(caught)) {
      logger().error(
        { err: caught.cause ?? caught, requestId: currentRequestId() },
        'Download failed: the media library storage is unreachable',
      );
      return json(503, { error: STORAGE_UNAVAILABLE_MESSAGE }, { 'Retry-After': '30' });
    }
    const e = asInputError(caught);
    if (e instanceof AppError) {
      return json(e.status, { error: e.message, field: e.field }, e instanceof UnauthorizedError ? { 'WWW-Authenticate': 'Bearer' } : {});
    }
    logger().error({ err: e, requestId: currentRequestId() }, 'Download failed');
    return json(500, { error: 'The download failed. Try again later.' });
  }
}
