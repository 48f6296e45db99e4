import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiTokens, auditEvents, devices, notifications, supplierAnnouncements, supplierEvents } from '@/db/schema';
import { POST as announceRoute } from '@/app/api/v1/supplier/announcements/route';
import { POST as importRoute } from '@/app/api/v1/supplier/imports/route';
import { POST as reportsRoute } from '@/app/api/v1/supplier/reports/route';
import { GET as scopeRoute } from '@/app/api/v1/supplier/scope/route';
import { changeDetail } from '@/lib/changes/queries';
import { ForbiddenError, UnauthorizedError } from '@/lib/errors';
import { addSupplierPerson, createSupplier } from '@/lib/suppliers/admin';
import { announceDeployment } from '@/lib/suppliers/announce';
import { authenticateSupplier, revokeSupplierCredential } from '@/lib/suppliers/credentials';
import { importAsSupplier, importForSupplier } from '@/lib/suppliers/import';
import { supplierPlannedAgainstDone } from '@/lib/suppliers/planned-vs-done';
import { reportDeployments } from '@/lib/suppliers/report';
import { actor } from '../support/actors';
import { approvedChange, supplierCredential, supplierId } from '../support/changes';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

const call = (
  handler: (r: Request) => Promise<Response>,
  path: string,
  authorization: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  handler(
    new Request(`http://portal.test${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
const eventsOf = async (hostname: string) =>
  db()
    .select({
      id: supplierEvents.id,
      status: supplierEvents.status,
      unauthorised: supplierEvents.unauthorised,
      announcementId: supplierEvents.announcementId,
    })
    .from(supplierEvents)
    .innerJoin(devices, eq(devices.id, supplierEvents.deviceId))
    .where(and(eq(devices.hostname, hostname), sql`${supplierEvents.idempotencyKey} not like 'seed-%'`));
const hour = 3_600_000;
const window = () => ({ windowStart: new Date(Date.now() - hour).toISOString(), windowEnd: new Date(Date.now() + hour).toISOString() });

describe(`supplier credentials (${engine})`, () => {
  it('accepts a live credential and refuses an expired, a revoked, a malformed one and a pipeline token (401)', async () => {
    const live = await supplierCredential();
    expect(await authenticateSupplier(live.authorization)).toMatchObject({
      supplierId: await supplierId('Northwind Networks'),
      tokenId: live.id,
    });
    const stored = await db().query.apiTokens.findFirst({ where: eq(apiTokens.id, live.id) });
    expect(stored!.tokenHash).not.toContain(live.secret.slice(4)); // only the hash is kept

    const expired = await supplierCredential();
    await db()
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expired.id));
    await expect(authenticateSupplier(expired.authorization)).rejects.toBeInstanceOf(UnauthorizedError);
    const revoked = await supplierCredential();
    await revokeSupplierCredential(await actor('admin@example.com'), revoked.id);
    await expect(authenticateSupplier(revoked.authorization)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authenticateSupplier('Bearer pst_nope')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authenticateSupplier('Bearer ppt_' + 'a'.repeat(43))).rejects.toBeInstanceOf(UnauthorizedError);

    // Every endpoint answers 401 for them, and nothing is stored.
    for (const cred of [expired, revoked]) {
      for (const [route, path, body] of [
        [announceRoute, '/announcements', { component: 'fw', version: '1', items: ['core-sw-01'], ...window() }],
        [reportsRoute, '/reports', { component: 'fw', reports: [{ item: 'core-sw-01', status: 'succeeded', version: '1' }] }],
        [importRoute, '/imports', 'item,component,version,status,occurredAt\ncore-sw-01,fw,1,succeeded,2026-01-01T00:00:00Z\n'],
      ] as const) {
        const res = await call(route, `/api/v1/supplier${path}`, cred.authorization, body);
        expect(res.status).toBe(401);
      }
      expect(
        (await scopeRoute(new Request('http://portal.test/api/v1/supplier/scope', { headers: { authorization: cred.authorization } })))
          .status,
      ).toBe(401);
    }
    expect(await eventsOf('core-sw-01')).toEqual([]);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.action, 'supplier_credential.revoked'));
    expect(audit).toHaveLength(1);
  });
});

describe(`supplier scope on every endpoint (${engine})`, () => {
  it('lists only the scope; in scope is accepted, out of scope and another supplier’s item are 403 naming the item, nothing kept', async () => {
    const { authorization } = await supplierCredential();
    const scope = (await (await scopeRoute(new Request('http://portal.test/x', { headers: { authorization } }))).json()) as {
      items: { hostname: string }[];
    };
    expect(scope.items.map((i) => i.hostname).sort()).toEqual(['core-sw-01', 'edge-fw-01']);

    // Announce: core-sw-02 is Northwind gear in Dublin (outside its sites), srv-live-01 is Contoso's.
    for (const stranger of ['core-sw-02', 'srv-live-01', 'no-such-host']) {
      const res = await call(announceRoute, '/api/v1/supplier/announcements', authorization, {
        component: 'Switch firmware',
        version: '17.12.1',
        items: ['core-sw-01', stranger],
        ...window(),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ field: 'items[1]', error: expect.stringContaining(stranger) });
    }
    expect(await db().select().from(supplierAnnouncements).where(eq(supplierAnnouncements.version, '17.12.1'))).toEqual([]);
    const ok = await call(announceRoute, '/api/v1/supplier/announcements', authorization, {
      component: 'Switch firmware',
      version: '17.12.1',
      items: ['core-sw-01', 'edge-fw-01'],
      ...window(),
    });
    expect(ok.status).toBe(201);

    // Report: the batch with one stranger keeps nothing, not even the item in scope.
    const bad = await call(reportsRoute, '/api/v1/supplier/reports', authorization, {
      component: 'Switch firmware',
      reports: [
        { item: 'core-sw-01', status: 'succeeded', version: '17.12.1' },
        { item: 'srv-live-01', status: 'succeeded', version: '17.12.1' },
      ],
    });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toMatchObject({ field: 'reports[1]' });
    expect(await eventsOf('core-sw-01')).toEqual([]);

    // Import: every bad line is named, and the file is refused whole.
    const csv = [
      'item,component,version,status,occurredAt',
      'core-sw-01,fw,1,succeeded,2026-01-01T00:00:00Z',
      'core-sw-02,fw,1,succeeded,2026-01-01T00:00:00Z',
      'edge-fw-01,fw,,exploded,yesterday',
    ].join('\n');
    const refused = await call(importRoute, '/api/v1/supplier/imports', authorization, csv);
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { lines: { line: number; field: string }[] };
    expect(body.lines.map((l) => `${l.line}:${l.field}`).sort()).toEqual(['3:item', '4:occurredAt', '4:status', '4:version']);
    expect(await eventsOf('core-sw-01')).toEqual([]);
  });

  it('a supplier’s person is held to the same scope, and a librarian imports for a supplier within its scope', async () => {
    const sam = await actor('sam@supplier.example');
    const csv = 'item,component,version,status,occurredAt\nsrv-live-01,kernel,1,succeeded,2026-01-01T00:00:00Z\n';
    await expect(importAsSupplier(sam, csv)).rejects.toMatchObject({ status: 422, lines: [{ line: 2, field: 'item' }] });
    const lena = await actor('librarian@example.com');
    const contoso = await supplierId('Contoso Hosting');
    const done = await importForSupplier(lena, contoso, csv);
    expect(done).toMatchObject([{ item: 'srv-live-01', unauthorised: true }]);
    // …and importing the same file again records nothing twice.
    expect(await importForSupplier(lena, contoso, csv)).toMatchObject([{ replayed: true }]);
    await expect(importForSupplier(sam, contoso, csv)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('a newly registered supplier reaches only its explicit items; its person only with the supplier role', async () => {
    const admin = await actor('admin@example.com');
    const core2 = (await db().query.devices.findFirst({ where: eq(devices.hostname, 'core-sw-02') }))!;
    const { id } = await createSupplier(admin, { name: 'Fabrikam Fibre', deviceIds: [core2.id] });
    await expect(createSupplier(admin, { name: 'fabrikam fibre' })).rejects.toMatchObject({ status: 409, field: 'name' });
    await addSupplierPerson(admin, id, 'bob@example.com');
    const bob = await actor('bob@example.com');
    expect(bob.roles).toEqual(['supplier']);
    const p = { supplierId: id, tokenId: null, userId: bob.id };
    await expect(announceDeployment(p, { component: 'optics', version: '2', items: ['core-sw-01'], ...window() })).rejects.toMatchObject({
      status: 403,
    });
    expect(await announceDeployment(p, { component: 'optics', version: '2', items: ['core-sw-02'], ...window() })).toMatchObject({
      items: [{ hostname: 'core-sw-02' }],
    });
  });
});

describe(`supplier reports (${engine})`, () => {
  it('are idempotent per item and per batch key; a retried batch records nothing twice', async () => {
    const { authorization } = await supplierCredential();
    const body = {
      component: 'Switch firmware',
      reports: [
        { item: 'edge-fw-01', status: 'started', version: '18.0' },
        { item: 'edge-fw-01', status: 'succeeded', version: '18.0' },
      ],
    };
    const first = await call(reportsRoute, '/api/v1/supplier/reports', authorization, body, { 'Idempotency-Key': 'batch-42' });
    expect(first.status).toBe(201);
    const again = await call(reportsRoute, '/api/v1/supplier/reports', authorization, body, { 'Idempotency-Key': 'batch-42' });
    expect(again.status).toBe(200);
    const [a, b] = [
      (await first.json()) as { results: { eventId: number }[] },
      (await again.json()) as { results: { eventId: number; replayed: boolean }[] },
    ];
    expect(b.results.map((r) => r.eventId)).toEqual(a.results.map((r) => r.eventId));
    expect(b.results.every((r) => r.replayed)).toBe(true);
    // Concurrent retries of the same batch: still two events.
    await Promise.all(
      [1, 2, 3].map(() => call(reportsRoute, '/api/v1/supplier/reports', authorization, body, { 'Idempotency-Key': 'batch-43' })),
    );
    expect(await eventsOf('edge-fw-01')).toHaveLength(4);
    // Bad input is a 422 naming the field, and keeps nothing.
    const bad = await call(reportsRoute, '/api/v1/supplier/reports', authorization, {
      component: 'x',
      reports: [
        { item: 'edge-fw-01', status: 'succeeded', version: '1' },
        { item: 'edge-fw-01', status: 'succeeded', version: '1', sha256: 'xyz' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ field: 'reports.1.sha256' });
    const link = await call(reportsRoute, '/api/v1/supplier/reports', authorization, {
      component: 'x',
      reports: [{ item: 'edge-fw-01', status: 'failed', version: '1', evidence: 'http://insecure.example/log' }],
    });
    expect(link.status).toBe(422);
    expect(await eventsOf('edge-fw-01')).toHaveLength(4);
  });

  it('in live: inside an approved change’s window it is authorised; without one it is kept but flagged and change managers are told', async () => {
    const { authorization } = await supplierCredential();
    const change = await approvedChange();
    const announced = await call(announceRoute, '/api/v1/supplier/announcements', authorization, {
      component: 'PSU firmware',
      version: '3.1',
      items: ['core-sw-01'],
      changeRef: change.reference,
      ...window(),
    });
    expect(announced.status).toBe(201);
    const res = await reportDeployments(await authenticateSupplier(authorization), {
      component: 'PSU firmware',
      reports: [{ item: 'core-sw-01', status: 'succeeded', version: '3.1' }],
    });
    expect(res).toMatchObject([{ announced: true, unauthorised: false }]);

    const chris = await actor('chris@example.com');
    // The change's page shows the plan and the work under it.
    const detail = await changeDetail(chris, change.id);
    expect(detail.announced).toEqual([expect.objectContaining({ component: 'PSU firmware', version: '3.1', items: ['core-sw-01'] })]);
    expect(detail.work).toEqual([expect.objectContaining({ hostname: 'core-sw-01', component: 'PSU firmware', status: 'succeeded' })]);
    const before = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, chris.id), eq(notifications.kind, 'unauthorised_change')));
    const unannounced = await reportDeployments(await authenticateSupplier(authorization), {
      component: 'Hotfix',
      reports: [{ item: 'edge-fw-01', status: 'succeeded', version: '3.2' }],
    });
    expect(unannounced).toMatchObject([{ announced: false, unauthorised: true }]);
    const requested = await approvedChange({ state: 'requested' });
    const unapproved = await reportDeployments(await authenticateSupplier(authorization), {
      component: 'Hotfix',
      changeRef: requested.reference,
      reports: [{ item: 'edge-fw-01', status: 'succeeded', version: '3.3' }],
    });
    expect(unapproved).toMatchObject([{ unauthorised: true }]);
    const after = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, chris.id), eq(notifications.kind, 'unauthorised_change')));
    expect(after.length - before.length).toBe(2);
    // The ledger is append-only, whatever code tries.
    await expect(db().update(supplierEvents).set({ unauthorised: false })).rejects.toThrow();
  });
});

describe(`supplier work, planned against happened (${engine})`, () => {
  it('sets each announcement against the latest report per item: in window, overdue, done; the desk only', async () => {
    const p = await authenticateSupplier((await supplierCredential()).authorization);
    const announced = await announceDeployment(p, {
      component: 'Firewall firmware',
      version: '7.4.9',
      items: ['core-sw-01', 'edge-fw-01'],
      ...window(),
    });
    await reportDeployments(p, {
      announcementId: announced.id,
      reports: [{ item: 'core-sw-01', status: 'succeeded', version: '7.4.9' }],
    });
    const desk = await actor('desk@example.com');
    const find = async (now?: Date) => (await supplierPlannedAgainstDone(desk, now)).find((r) => r.id === announced.id)!;
    expect(await find()).toMatchObject({ items: 2, succeeded: 1, unreported: 1, failed: 0, state: 'in window' });
    expect(await find(new Date(Date.now() + 2 * hour))).toMatchObject({ state: 'overdue' });
    expect(await find(new Date(Date.now() - 2 * hour))).toMatchObject({ state: 'upcoming' });

    // A later report counts, not an earlier one: edge-fw-01 started, then failed.
    await reportDeployments(p, { announcementId: announced.id, reports: [{ item: 'edge-fw-01', status: 'started', version: '7.4.9' }] });
    expect(await find(new Date(Date.now() + 2 * hour))).toMatchObject({ started: 1, unreported: 0, state: 'overdue' });
    await reportDeployments(p, { announcementId: announced.id, reports: [{ item: 'edge-fw-01', status: 'failed', version: '7.4.9' }] });
    expect(await find(new Date(Date.now() + 2 * hour))).toMatchObject({ succeeded: 1, failed: 1, started: 0, state: 'done' });

    await expect(supplierPlannedAgainstDone(await actor('alice@example.com'))).rejects.toBeInstanceOf(ForbiddenError);
  });
});
