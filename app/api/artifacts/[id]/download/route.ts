import type { NextRequest } from 'next/server';
import { currentActor } from '@/lib/auth/session';
import { authenticateDevice } from '@/lib/devices/service';
import { openDownload, type DownloadPrincipal } from '@/lib/dml/download';
import { AppError, UnauthorizedError } from '@/lib/errors';
import { recordedBrowserBody } from '@/lib/installs/browser-download';

type Context = { params: Promise<{ id: string }> };

/**
 * The one place a request becomes a principal. /api/ is outside the proxy, so this is the only
 * authentication check. A Bearer token is a device's (the agent), checked before the session
 * cookie: a bad one is a 401 even in a signed-in browser, never a silent fallback.
 */
async function principalOf(req: NextRequest): Promise<DownloadPrincipal | null> {
  const authorization = req.headers.get('authorization');
  if (authorization && /^Bearer\s/i.test(authorization)) {
    const device = await authenticateDevice(authorization);
    return { kind: 'device', deviceId: device.deviceId, ownerId: device.ownerId };
  }
  const actor = await currentActor();
  if (!actor) return null;
  return { kind: 'user', actor, deviceId: req.nextUrl.searchParams.get('device') ?? undefined };
}

function error(status: number, message: string, field?: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: message, field }, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

async function serve(req: NextRequest, { params }: Context, method: 'GET' | 'HEAD'): Promise<Response> {
  try {
    const principal = await principalOf(req);
    if (!principal) return error(401, 'Sign in to download.');
    const { id } = await params; // Not a uuid: the service answers 404, like an unknown id.
    const r = await openDownload(principal, id, { method, range: req.headers.get('range'), ifRange: req.headers.get('if-range') });
    if (r.status === 416) return error(416, 'The requested range lies outside the file.', 'range', r.headers);
    // A browser download is recorded here; the agent reports its own downloads.
    const body =
      principal.kind === 'user' ? await recordedBrowserBody({ userId: principal.actor.id, deviceId: principal.deviceId }, id, r) : r.body;
    return new Response(body, { status: r.status, headers: r.headers });
  } catch (e) {
    if (e instanceof AppError)
      return error(e.status, e.message, e.field, e instanceof UnauthorizedError ? { 'WWW-Authenticate': 'Bearer' } : {});
    console.error('Download failed', e);
    return error(500, 'The download failed. Try again later.');
  }
}

export function GET(req: NextRequest, ctx: Context): Promise<Response> {
  return serve(req, ctx, 'GET');
}

export function HEAD(req: NextRequest, ctx: Context): Promise<Response> {
  return serve(req, ctx, 'HEAD');
}
