import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST as enrol } from '@/app/api/v1/devices/enrol/route';
import { POST as checkIn } from '@/app/api/v1/device/check-in/route';
import { POST as reports } from '@/app/api/v1/device/reports/route';
import { POST as postpone } from '@/app/api/v1/device/postpone/route';
import { POST as createRelease } from '@/app/api/v1/products/[slug]/releases/route';
import { POST as publish } from '@/app/api/v1/products/[slug]/releases/[version]/publish/route';
import { PUT as putArtifact } from '@/app/api/v1/products/[slug]/releases/[version]/artifacts/[platform]/route';
import { artifacts, auditEvents, devices, installEvents, products, releases } from '@/db/schema';
import { enrolDevice, registerDevice } from '@/lib/devices/service';
import { createApiToken } from '@/lib/pipeline/tokens';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { hostileValues, malformedBodies } from '../support/fuzz';

const db = setupTestDb();
let deviceToken = '';
let pipelineToken = '';
let artifactId = '';

/** Row counts of everything a refused call must leave as it was. */
async function footprint() {
  const n = async (t: typeof releases | typeof artifacts | typeof installEvents | typeof devices | typeof auditEvents) =>
    (await db().select({ n: count() }).from(t))[0]!.n;
  return [await n(releases), await n(artifacts), await n(installEvents), await n(devices), await n(auditEvents)].join('/');
}

const jsonRequest = (body: unknown, token?: string, method = 'POST') =>
  new Request('http://portal.test/api', {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' && body.startsWith('RAW:') ? body.slice(4) : JSON.stringify(body),
  });

/**
 * Sends each input and checks the contract: never a 5xx, always a JSON error naming a field for a
 * 4xx, and a refused call stores nothing.
 */
async function expectNoServerErrors(label: string, inputs: unknown[], call: (input: unknown) => Promise<Response>) {
  const failures: string[] = [];
  for (const input of inputs) {
    const before = await footprint();
    const res = await call(input);
    const text = await res.text();
    if (res.status >= 500) failures.push(`${res.status} for ${JSON.stringify(input)?.slice(0, 200)}: ${text.slice(0, 200)}`);
    else if (res.status >= 400) {
      const body = JSON.parse(text) as { error?: string };
      if (!body.error) failures.push(`${res.status} without an error message for ${JSON.stringify(input)?.slice(0, 120)}`);
      const after = await footprint();
      if (after !== before)
        failures.push(`${res.status} but rows changed ${before} → ${after} for ${JSON.stringify(input)?.slice(0, 120)}`);
    }
  }
  expect(failures, label).toEqual([]);
}

describe(`fuzzing the JSON endpoints (${engine})`, () => {
  beforeAll(async () => {
    const alice = await actor('alice@example.com');
    const { enrolment } = await registerDevice(alice, { hostname: 'fuzz-device', platform: 'linux-x64' });
    deviceToken = (await enrolDevice({ code: enrolment.code, agentVersion: '1.0.0' })).token;
    const git = (await db().query.products.findFirst({ where: eq(products.slug, 'git') }))!;
    pipelineToken = (await createApiToken(await actor('librarian@example.com'), { name: 'fuzz', productIds: [git.id] })).secret;
    artifactId = (await db().select({ id: artifacts.id }).from(artifacts).limit(1))[0]!.id;
  });

  it('enrolment: 200+ malformed bodies, none a 5xx', async () => {
    const inputs = [
      ...malformedBodies({ code: 'ABCD-EFGH', agentVersion: '1.0.0', hostname: 'host', serial: 'SN' }),
      'RAW:{',
      'RAW:\u0000',
    ];
    expect(inputs.length).toBeGreaterThanOrEqual(200);
    await expectNoServerErrors('enrol', inputs, (b) => enrol(jsonRequest(b)));
  });

  it('check-in: 200+ malformed bodies, none a 5xx', async () => {
    const item = { sha256: 'a'.repeat(64), version: '1.0', product: 'git', artifactId };
    const inputs = [
      ...malformedBodies({ agentVersion: '1.0.0', installed: [item] }),
      ...malformedBodies(item, 60).map((i) => ({ agentVersion: '1.0.0', installed: [i] })),
      'RAW:[',
    ];
    expect(inputs.length).toBeGreaterThanOrEqual(200);
    await expectNoServerErrors('check-in', inputs, (b) => checkIn(jsonRequest(b, deviceToken)));
  });

  it('install reports: 200+ malformed batches and events, none a 5xx, nothing partial kept', async () => {
    const event = {
      idempotencyKey: 'fuzz-key-0001',
      type: 'download_started',
      artifactId,
      occurredAt: '2026-11-30T10:00:00Z',
      exitCode: 1,
      errorText: 'boom',
      bytes: 10,
      agentVersion: '1.0.0',
      deploymentId: '6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f',
    };
    const inputs = [...malformedBodies({ events: [event] }, 60), ...malformedBodies(event, 260).map((e) => ({ events: [event, e] }))];
    expect(inputs.length).toBeGreaterThanOrEqual(200);
    await expectNoServerErrors('reports', inputs, (b) => reports(jsonRequest(b, deviceToken)));
  });

  it('postpone: 200+ malformed bodies, none a 5xx', async () => {
    const inputs = [...malformedBodies({ deploymentId: '6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f', until: '2026-12-01T18:00:00Z' }), 'RAW:{'];
    expect(inputs.length).toBeGreaterThanOrEqual(200);
    await expectNoServerErrors('postpone', inputs, (b) => postpone(jsonRequest(b, deviceToken)));
  });

  it('pipeline releases and publish: 200+ malformed bodies and path values each, none a 5xx', async () => {
    const slugs = ['git', ...hostileValues.filter((v): v is string => typeof v === 'string')];
    const releaseInputs = [...malformedBodies({ version: '77.0.0', notes: 'fuzz' }), 'RAW:{"version":'];
    expect(releaseInputs.length).toBeGreaterThanOrEqual(200);
    await expectNoServerErrors('release body', releaseInputs, (b) =>
      createRelease(jsonRequest(b, pipelineToken), { params: Promise.resolve({ slug: 'git' }) }),
    );
    await expectNoServerErrors('release slug', slugs, (slug) =>
      createRelease(jsonRequest({ version: '78.0.0' }, pipelineToken), { params: Promise.resolve({ slug: slug as string }) }),
    );
    const publishInputs = malformedBodies({ changeRef: 'CHG-1' });
    await expectNoServerErrors('publish', publishInputs, (b) =>
      publish(jsonRequest(b, pipelineToken), { params: Promise.resolve({ slug: 'git', version: '77.0.0' }) }),
    );
    await expectNoServerErrors('publish path', slugs, (v) =>
      publish(jsonRequest({}, pipelineToken), { params: Promise.resolve({ slug: 'git', version: v as string }) }),
    );
  });

  it('artifact upload: 200+ malformed headers and path values, none a 5xx', async () => {
    const valid = { platform: 'linux-x64', fileName: 'tool.tar.gz', sha256: 'b'.repeat(64), contentType: 'application/gzip' };
    const inputs = malformedBodies(valid, 220).filter((i) => i && typeof i === 'object' && !Array.isArray(i)) as Record<string, unknown>[];
    expect(inputs.length).toBeGreaterThanOrEqual(200);
    await expectNoServerErrors('artifact', inputs, async (input) => {
      const i = input as Record<string, unknown>;
      const headers = new Headers({ authorization: `Bearer ${pipelineToken}` });
      try {
        // Headers that HTTP cannot carry (NUL, line breaks, non-Latin-1) never reach a server.
        if (i.fileName !== undefined) headers.set('x-file-name', String(i.fileName));
        if (i.sha256 !== undefined) headers.set('x-checksum-sha256', String(i.sha256));
        if (i.contentType !== undefined) headers.set('content-type', String(i.contentType));
      } catch {
        return new Response('{"error":"not sendable"}', { status: 400 });
      }
      const request = new Request('http://portal.test/api', { method: 'PUT', headers, body: 'fuzz bytes', duplex: 'half' } as RequestInit);
      return putArtifact(request, { params: Promise.resolve({ slug: 'git', version: '77.0.0', platform: String(i.platform) }) });
    });
  });
});
