import { json } from '@/app/api/respond';
import { checkReadiness } from '@/lib/ops/health';

export const dynamic = 'force-dynamic';

/** Readiness: 200 when this instance can serve, else 503 naming every check that failed. */
export async function GET() {
  const r = await checkReadiness();
  return json({ status: r.ok ? 'ok' : 'unavailable', checks: r.checks }, r.ok ? 200 : 503);
}
