import { respond } from '@/app/api/respond';
import { readServedAgent } from '@/lib/agent-dist/served';

export const dynamic = 'force-dynamic';

/**
 * The bundled agent itself (one JavaScript file, ~50 KB, for Node.js 20+). Public: it holds no
 * secret, and a new device has no token yet. The SHA-256 goes along in a header and as the ETag,
 * so a download can be checked against what the add-device page shows.
 */
export function GET(): Promise<Response> {
  return respond(async () => {
    const { agent, bytes } = await readServedAgent();
    return new Response(new Uint8Array(bytes), {
      headers: {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Content-Length': String(agent.sizeBytes),
        'Content-Disposition': `attachment; filename="${agent.fileName}"`,
        'Cache-Control': 'no-cache',
        ETag: `"${agent.sha256}"`,
        'X-Agent-Version': agent.version,
        'X-Agent-Sha256': agent.sha256,
      },
    });
  });
}
