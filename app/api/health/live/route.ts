import { json } from '@/app/api/respond';

export const dynamic = 'force-dynamic';

/** Liveness: the process answers HTTP. No database, so a database outage never restarts instances. */
export function GET() {
  return json({ status: 'ok' });
}
