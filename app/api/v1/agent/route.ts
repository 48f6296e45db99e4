import { json, respond } from '@/app/api/respond';
import { readServedAgent } from '@/lib/agent-dist/served';

export const dynamic = 'force-dynamic';

/** The agent this portal serves (version, SHA-256, where to get it): `agent update` and installers ask here. No token needed. */
export function GET(): Promise<Response> {
  return respond(async () => json((await readServedAgent()).agent));
}
