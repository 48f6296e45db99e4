import { timingSafeEqual } from 'node:crypto';
import { json } from '@/app/api/respond';
import { env } from '@/lib/env';
import { renderMetrics } from '@/lib/ops/metrics';

export const dynamic = 'force-dynamic';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Prometheus scrape endpoint: this process's metrics, for the holder of METRICS_TOKEN only. */
export async function GET(request: Request) {
  // Without a token configured the endpoint does not exist, rather than being open.
  if (!env.METRICS_TOKEN) return json({ error: 'Not found.' }, 404);
  const token = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim() ?? '';
  if (!sameSecret(token, env.METRICS_TOKEN))
    return json({ error: 'A valid metrics token is required.' }, 401, { 'WWW-Authenticate': 'Bearer' });
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
}
