import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse } from '@/app/api/respond';
import { POST as checkIn } from '@/app/api/v1/device/check-in/route';
import { enrolDevice, registerDevice } from '@/lib/devices/service';
import { installClientAddressGuard } from '@/lib/auth/client-address';
import { getStorage } from '@/lib/dml';
import { NotFoundError } from '@/lib/errors';
import { checkMigrations, checkReadiness } from '@/lib/ops/health';
import { renderMetrics, routeClass, setGauge } from '@/lib/ops/metrics';
import { currentRequestId, requestIdFor, requestIdStore } from '@/lib/ops/request-id';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

describe(`health, metrics and request ids (${engine})`, () => {
  it('takes a request id from a trusted proxy only, and only a sane one', () => {
    expect(requestIdFor('abc-123-def-456', true)).toBe('abc-123-def-456');
    expect(requestIdFor('abc-123-def-456', false)).not.toBe('abc-123-def-456');
    for (const hostile of ['short', 'a\nb{"level":60}xxxxxxxx', 'x'.repeat(129), 'id\u0000with-nul-byte']) {
      expect(requestIdFor(hostile, true)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('classes routes into a small fixed set of metric labels (no ids)', () => {
    expect(routeClass('GET', '/api/artifacts/0b3c/download', false)).toBe('download');
    expect(routeClass('POST', '/api/v1/device/check-in', false)).toBe('device-api');
    expect(routeClass('POST', '/api/v1/devices/enrol', false)).toBe('device-api');
    expect(routeClass('POST', '/api/v1/products/x/releases', false)).toBe('pipeline-api');
    expect(routeClass('GET', '/api/health/ready', false)).toBe('health');
    expect(routeClass('POST', '/approvals/123', true)).toBe('action');
    expect(routeClass('GET', '/approvals/123', false)).toBe('page');
  });

  it('is ready on a migrated database and store; names what fails otherwise', async () => {
    expect(await checkReadiness(db(), getStorage())).toEqual({
      ok: true,
      checks: { database: { ok: true }, migrations: { ok: true }, storage: { ok: true }, shutdown: { ok: true } },
    });
    const down = { has: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')) };
    const r = await checkReadiness(db(), down);
    expect(r.ok).toBe(false);
    expect(r.checks.storage).toEqual({ ok: false, error: 'connect ECONNREFUSED 127.0.0.1:9' });
    expect(r.checks.database.ok).toBe(true);
  });

  it('reports a migration the code has and the database lacks', async () => {
    const extra = { idx: 99, version: '7', when: 4_102_444_800_000, tag: '0099_from_the_future', breakpoints: true };
    const r = await checkMigrations(db(), [extra]);
    expect(r).toEqual({ ok: false, error: '1 migration(s) not applied (run npm run db:migrate): 0099_from_the_future' });
  });

  it('puts the request id into error bodies', async () => {
    const res = requestIdStore().run('req-id-from-test-1', () => errorResponse(new NotFoundError('No such thing.')));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'No such thing.', requestId: 'req-id-from-test-1' });
    expect(currentRequestId()).toBeUndefined();
  });

  it('counts agent check-ins by outcome', async () => {
    const count = async (outcome: string) =>
      Number(new RegExp(`portal_device_check_ins_total\\{outcome="${outcome}"\\} (\\d+)`).exec((await renderMetrics()).body)?.[1] ?? 0);
    const { enrolment } = await registerDevice(await actor('alice@example.com'), { hostname: 'metrics-device', platform: 'linux-x64' });
    const { token } = await enrolDevice({ code: enrolment.code, agentVersion: '1.0.0' });
    const send = (authorization: string, body: unknown) =>
      checkIn(
        new Request('http://localhost/api/v1/device/check-in', { method: 'POST', headers: { authorization }, body: JSON.stringify(body) }),
      );
    const [ok, failed] = [await count('ok'), await count('error')];
    expect((await send(`Bearer ${token}`, { agentVersion: '1.0.0', installed: [] })).status).toBe(200);
    expect((await send('Bearer forged-token', { agentVersion: '1.0.0' })).status).toBe(401);
    expect([await count('ok'), await count('error')]).toEqual([ok + 1, failed + 1]);
  });

  it('exposes gauges other code sets', async () => {
    setGauge('portal_test_queue_depth', 'Jobs waiting (test).', 7, { queue: 'mail' });
    setGauge('portal_test_queue_depth', 'Jobs waiting (test).', 3, { queue: 'mail' });
    expect((await renderMetrics()).body).toContain('portal_test_queue_depth{queue="mail"} 3');
  });

  describe('on a real HTTP server', () => {
    let server: http.Server;
    let idInHandler: string | undefined;
    beforeAll(async () => {
      installClientAddressGuard();
      server = http.createServer((req, res) => {
        // Later in the same request, as a route handler would ask.
        setImmediate(() => {
          idInHandler = currentRequestId();
          res.statusCode = req.url === '/missing' ? 404 : 200;
          res.end(String(req.headers['x-request-id']));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('gives every request an id (header, handler context) and counts it', async () => {
      const { port } = server.address() as AddressInfo;
      // No trusted proxy in this process: a client's own X-Request-Id is replaced.
      const res = await fetch(`http://127.0.0.1:${port}/missing`, { headers: { 'x-request-id': 'client-chosen-id' } });
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await res.text()).toBe(id);
      expect(idInHandler).toBe(id);
      const text = (await renderMetrics()).body;
      expect(text).toMatch(/portal_http_requests_total\{route="page",method="GET",status="404"\} [1-9]/);
    });
  });
});
