import type { NextRequest } from 'next/server';
import { currentActor } from '@/lib/auth/session';
import { openDownload, type DownloadPrincipal } from '@/lib/dml/download';
import { AppError } from '@/lib/errors';

type Context = { params: Promise<{ id: string }> };

/**
 * The one place a request becomes a principal. /api/ is outside the proxy, so this is the only
 * authentication check. Device tokens (`Authorization: Bearer …` → `{ kind: 'device', … }`) are
 * to be resolved here, before the session cookie is looked at.
 */
async function principalOf(req: NextRequest): Promise<DownloadPrincipal | null> {
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
    return new Response(r.body, { status: r.status, headers: r.headers });
  } catch (e) {
    if (e instanceof AppError) return error(e.status, e.message, e.field);
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
