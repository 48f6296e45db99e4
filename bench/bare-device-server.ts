/**
 * The baseline for `npm run bench:api`: a bare `node:http` + `pg` server answering the device
 * check-in and pulls calls with the same SQL the portal runs (lib/devices/enrolment.ts
 * authenticateDevice, lib/devices/pulls.ts listPulls and checkIn), and nothing else: no framework,
 * no zod, no ORM at request time (the portal's statements are rendered to text once at start-up,
 * so the baseline cannot drift from them, and prepared under the same names). Started by bench/api.ts as `tsx bench/bare-device-server.ts`
 * with PORT and DATABASE_URL.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { deviceAuthSql } from '../lib/devices/enrolment';
import { checkInSql, pullsSql } from '../lib/devices/pulls';

/**
 * A statement of the portal as SQL text, with the placeholder of its one argument to fill per
 * request; run under `name` as a prepared statement, as the portal does (db/named.ts).
 */
function rendered(name: string, build: (arg: string) => Parameters<PgDialect['sqlToQuery']>[0]) {
  const marker = '00000000-0000-4000-8000-00000000beef';
  const q = new PgDialect().sqlToQuery(build(marker));
  return (arg: string) => ({ name, text: q.sql, values: q.params.map((p) => (p === marker ? arg : p)) });
}
const AUTH = rendered('device_authenticate', deviceAuthSql);
const PULLS = rendered('device_pulls', pullsSql);
const CHECK_IN = rendered('device_check_in', checkInSql);

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX ?? 10) });

interface PullRow {
  entitlement_id: string;
  request_id: string | null;
  deployment_id: string | null;
  slug: string;
  name: string;
  release_id: string;
  version: string;
  artifact_id: string;
  file_name: string;
  media_type: string;
  size_bytes: string;
  sha256: string;
}

const pullOf = (r: PullRow) => ({
  entitlementId: r.entitlement_id,
  requestId: r.request_id,
  deploymentId: r.deployment_id,
  product: { slug: r.slug, name: r.name },
  release: { id: r.release_id, version: r.version },
  artifact: {
    id: r.artifact_id,
    fileName: r.file_name,
    mediaType: r.media_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    downloadUrl: `/api/artifacts/${r.artifact_id}/download`,
  },
});

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

const server = http.createServer((req, res) => {
  void (async () => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const hash = token ? createHash('sha256').update(token).digest('hex') : '';
    const body = req.method === 'POST' ? await readBody(req) : '';
    const { rows } = await pool.query(AUTH(hash));
    const device = rows[0] as { id: string; hostname: string; agent_version: string | null } | undefined;
    if (!device) return send(res, 401, { error: 'A valid device token is required.' });
    if (req.url === '/api/v1/device/pulls' && req.method === 'GET') {
      const pulls = await pool.query<PullRow>(PULLS(device.id));
      return send(res, 200, { items: pulls.rows.map(pullOf) });
    }
    if (req.url === '/api/v1/device/check-in' && req.method === 'POST') {
      const input = JSON.parse(body || '{}') as { agentVersion?: string };
      if (input.agentVersion !== device.agent_version) {
        await pool.query('update "devices" set agent_version = $2 where id = $1', [device.id, input.agentVersion]);
      }
      const { rows } = await pool.query<{ pulls: PullRow[]; assignments: unknown[] }>(CHECK_IN(device.id));
      return send(res, 200, {
        deviceId: device.id,
        hostname: device.hostname,
        serverTime: new Date().toISOString(),
        pulls: rows[0]!.pulls.map(pullOf),
        assignments: rows[0]!.assignments,
      });
    }
    send(res, 404, { error: 'Not found' });
  })().catch((e: unknown) => {
    console.error(e);
    send(res, 500, { error: 'Internal error' });
  });
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`bare device server on ${process.env.PORT}`));
