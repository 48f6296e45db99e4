import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';

// The SCIM token is read from the environment when lib/env loads: set it before any import.
const TOKEN = vi.hoisted(() => {
  const t = 'scim-test-token-0123456789abcdef0123456789';
  process.env.SCIM_TOKEN = t;
  return t;
});

import * as usersRoute from '@/app/scim/v2/Users/route';
import * as userRoute from '@/app/scim/v2/Users/[id]/route';
import * as groupsRoute from '@/app/scim/v2/Groups/route';
import * as groupRoute from '@/app/scim/v2/Groups/[id]/route';
import * as spcRoute from '@/app/scim/v2/ServiceProviderConfig/route';
import * as typesRoute from '@/app/scim/v2/ResourceTypes/route';
import * as schemasRoute from '@/app/scim/v2/Schemas/route';
import { auditEvents, devices, groups, products, serviceRequests, userSessions, users } from '@/db/schema';
import { loadSessionActor, openSession } from '@/lib/auth/sessions';
import { requestInput } from '@/lib/requests/schema';
import { submitRequest } from '@/lib/requests/submit';
import { reassignDevice } from '@/lib/devices/reassign';
import { ForbiddenError, ValidationError } from '@/lib/errors';
import { patchScimGroup } from '@/lib/scim/groups';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const BASE = 'http://localhost:3000/scim/v2';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

function req(method: string, path: string, body?: unknown, token: string | null = TOKEN): Request {
  const headers: Record<string, string> = { 'Content-Type': 'application/scim+json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return new Request(`${BASE}${path}`, {
    method,
    headers,
    body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
  });
}
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });
async function read(res: Response) {
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}
const userCount = async () => (await db().select({ n: count() }).from(users))[0]!.n;
const groupCount = async () => (await db().select({ n: count() }).from(groups))[0]!.n;

/** RFC 7644 §3.3's example, with the portal's required e-mail. */
const bjensen = {
  schemas: [USER],
  userName: 'bjensen@example.com',
  externalId: 'bjensen',
  name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
};
const list = async (filter: string, extra = '') =>
  read(await usersRoute.GET(req('GET', `/Users?filter=${encodeURIComponent(filter)}${extra}`)));

describe(`SCIM 2.0 (${engine})`, () => {
  it('refuses a missing or wrong bearer token with 401 and a SCIM error', async () => {
    for (const token of [null, 'wrong-token', `${TOKEN}x`, '']) {
      const r = await read(await usersRoute.GET(req('GET', '/Users', undefined, token)));
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '401' });
    }
    const before = await userCount();
    const r = await usersRoute.POST(req('POST', '/Users', bjensen, 'nope'));
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await userCount()).toBe(before);
  });

  it('serves discovery documents', async () => {
    const spc = await read(await spcRoute.GET(req('GET', '/ServiceProviderConfig')));
    expect(spc.type).toBe('application/scim+json');
    expect(spc.body).toMatchObject({ patch: { supported: true }, filter: { supported: true } });
    const types = await read(await typesRoute.GET(req('GET', '/ResourceTypes')));
    expect(types.body.Resources.map((t: { id: string }) => t.id)).toEqual(['User', 'Group']);
    const schemas = await read(await schemasRoute.GET(req('GET', '/Schemas')));
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toContain(USER);
  });

  it('creates a user (RFC 7644 §3.3), reads it back, finds it by userName eq, and refuses a duplicate', async () => {
    const created = await usersRoute.POST(req('POST', '/Users', bjensen));
    const c = await read(created);
    expect(c.status).toBe(201);
    expect(c.type).toBe('application/scim+json');
    expect(created.headers.get('location')).toBe(`${BASE}/Users/${c.body.id}`);
    expect(c.body).toMatchObject({
      userName: 'bjensen@example.com',
      externalId: 'bjensen',
      active: true,
      displayName: 'Ms. Barbara J Jensen III',
    });
    const row = await db().query.users.findFirst({ where: eq(users.id, c.body.id) });
    expect(row).toMatchObject({ email: 'bjensen@example.com', roles: ['requester'], active: true });

    const got = await read(await userRoute.GET(req('GET', `/Users/${c.body.id}`), idParams(c.body.id)));
    expect(got.body.id).toBe(c.body.id);

    const found = await list('userName eq "BJensen@example.com"');
    expect(found.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found.body.Resources[0].id).toBe(c.body.id);

    const dup = await read(await usersRoute.POST(req('POST', '/Users', { ...bjensen, externalId: 'other' })));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ schemas: [ERROR], scimType: 'uniqueness' });
  });

  it('filters with eq, co, sw, and/or, emails.value, externalId, active, and pages with startIndex and count', async () => {
    expect(
      (await list('emails.value co "@example.com" and userName sw "fio"')).body.Resources.map((u: { userName: string }) => u.userName),
    ).toEqual(['fiona@example.com']);
    const either = await list('userName eq "alice@example.com" or displayName eq "Bob Berg"');
    expect(either.body.totalResults).toBe(2);
    expect((await list('externalId eq "bjensen"')).body.totalResults).toBe(1);
    expect((await list('externalId eq "BJENSEN"')).body.totalResults).toBe(0); // externalId is case-exact
    expect((await list('emails[value eq "bob@example.com"]')).body.totalResults).toBe(1);
    expect((await list('active eq false')).body.totalResults).toBe(0);
    expect((await list('userName co "%"')).body.totalResults).toBe(0); // LIKE wildcards are literal

    const all = await read(await usersRoute.GET(req('GET', '/Users')));
    const page = await read(await usersRoute.GET(req('GET', '/Users?startIndex=2&count=3')));
    expect(page.body).toMatchObject({ totalResults: all.body.totalResults, startIndex: 2, itemsPerPage: 3 });
    expect(page.body.Resources.map((u: { id: string }) => u.id)).toEqual(all.body.Resources.slice(1, 4).map((u: { id: string }) => u.id));
    expect((await read(await usersRoute.GET(req('GET', '/Users?count=0')))).body.Resources).toEqual([]);
  });

  it('answers malformed filters, unknown attributes, bad JSON and hostile input with 400 SCIM errors, storing nothing', async () => {
    for (const f of ['userName eq', 'userName zz "x"', 'nickName eq "x"', 'active eq "yes"', '((((']) {
      const r = await list(f);
      expect(r.status, f).toBe(400);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    }
    expect((await read(await usersRoute.GET(req('GET', '/Users?startIndex=abc')))).status).toBe(400);
    const before = await userCount();
    const bad: [unknown, string][] = [
      ['{not json', 'invalidSyntax'],
      [{ ...bjensen, userName: 'x@example.com', emails: undefined, favouriteColour: 'blue' }, 'invalidSyntax'],
      [{ schemas: [USER], userName: 'nul\u0000@example.com' }, 'invalidValue'],
      [{ schemas: [USER], userName: `${'a'.repeat(100_000)}@example.com` }, 'invalidValue'],
      [{ schemas: [USER], userName: 'not-an-email' }, 'invalidValue'],
      [{ schemas: [USER], userName: 'ok@example.com', active: 'yes' }, 'invalidValue'],
      [[1, 2, 3], 'invalidSyntax'],
    ];
    for (const [body, scimType] of bad) {
      const r = await read(await usersRoute.POST(req('POST', '/Users', body)));
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '400', scimType });
    }
    expect(await userCount()).toBe(before);
    const notUuid = await read(await userRoute.GET(req('GET', '/Users/1%27%20or%201=1'), idParams("1' or 1=1")));
    expect(notUuid.status).toBe(404);
  });

  it('PATCH replace changes attributes; an invalid PATCH stores nothing', async () => {
    const [u] = (await list('userName eq "bjensen@example.com"')).body.Resources;
    const patched = await read(
      await userRoute.PATCH(
        req('PATCH', `/Users/${u.id}`, {
          schemas: [PATCH],
          Operations: [
            { op: 'replace', path: 'displayName', value: 'Babs Jensen' },
            { op: 'Replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' },
          ],
        }),
        idParams(u.id),
      ),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ displayName: 'Babs Jensen', emails: [{ value: 'babs@example.com' }] });
    const bad = await read(
      await userRoute.PATCH(
        req('PATCH', `/Users/${u.id}`, {
          schemas: [PATCH],
          Operations: [
            { op: 'replace', path: 'displayName', value: 'Should not stay' },
            { op: 'replace', path: 'emails[type eq "work"].value', value: 'not an email' },
          ],
        }),
        idParams(u.id),
      ),
    );
    expect(bad.status).toBe(400);
    expect((await db().query.users.findFirst({ where: eq(users.id, u.id) }))!.name).toBe('Babs Jensen');
    const noSchema = await read(await userRoute.PATCH(req('PATCH', `/Users/${u.id}`, { Operations: [] }), idParams(u.id)));
    expect(noSchema.status).toBe(400);
  });

  it('active: false signs the person out at once, cancels their waiting requests, hands their reports up and leaves their devices ownerless', async () => {
    const [alice, maria] = await Promise.all([actor('alice@example.com'), actor('manager@example.com')]);
    const intellij = (await db().query.products.findFirst({ where: eq(products.slug, 'intellij-idea') }))!.id;
    const laptop = (await db().query.devices.findFirst({ where: eq(devices.hostname, 'ALICE-LT-4411') }))!.id;
    const r = await submitRequest(
      alice,
      requestInput.parse({ productId: intellij, deviceId: laptop, justification: 'For the quarterly release work.' }),
    );
    expect(r.status).toBe('pending_approval');
    const sid = await openSession(alice.id);
    expect(await loadSessionActor(sid)).not.toBeNull();

    // Entra ID's form: no path, op in capitals.
    const res = await read(
      await userRoute.PATCH(
        req('PATCH', `/Users/${alice.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', value: { active: false } }] }),
        idParams(alice.id),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(await loadSessionActor(sid)).toBeNull();
    const open = await db()
      .select()
      .from(userSessions)
      .where(and(eq(userSessions.userId, alice.id)));
    expect(open.every((s) => s.revokedAt)).toBe(true);
    const req1 = await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, r.id) });
    expect(req1).toMatchObject({ status: 'cancelled', closedReason: expect.stringMatching(/deactivated/i) });
    expect((await db().query.devices.findFirst({ where: eq(devices.id, laptop) }))!.ownerId).toBeNull();
    // The desk gives the ownerless device to someone else; a requester cannot.
    const [desk, bobActor] = await Promise.all([actor('desk@example.com'), actor('bob@example.com')]);
    await expect(reassignDevice(bobActor, laptop, 'bob@example.com')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(reassignDevice(desk, laptop, 'alice@example.com')).rejects.toBeInstanceOf(ValidationError); // inactive
    await reassignDevice(desk, laptop, 'BOB@example.com');
    expect((await db().query.devices.findFirst({ where: eq(devices.id, laptop) }))!.ownerId).toBe(bobActor.id);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.entityId, alice.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.deactivated', 'user.updated_by_idp']));

    // Deactivating a manager: the people reporting to them get the manager's own manager (none here).
    const bob = await actor('bob@example.com');
    await userRoute.PATCH(
      req('PATCH', `/Users/${maria.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }),
      idParams(maria.id),
    );
    expect((await db().query.users.findFirst({ where: eq(users.id, bob.id) }))!.managerId).toBeNull();
    expect(
      (
        await db()
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.entityId, bob.id), eq(auditEvents.action, 'user.manager_reassigned')))
      ).length,
    ).toBe(1);
  });

  it('groups: create with members, PATCH add and remove members, mapped roles follow at once; DELETE', async () => {
    const map = { 'Portal Approvers': { roles: ['approver' as const], groups: [] } };
    const fiona = await actor('fiona@example.com');
    const sid = await openSession(fiona.id);
    const created = await read(
      await groupsRoute.POST(req('POST', '/Groups', { schemas: [GROUP], displayName: 'Portal Approvers', externalId: 'g-1', members: [] })),
    );
    expect(created.status).toBe(201);
    const gid = created.body.id;
    await patchScimGroup(gid, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: fiona.id }] }] }, map);
    expect((await loadSessionActor(sid))!.roles).toContain('approver');
    const g = await read(await groupRoute.GET(req('GET', `/Groups/${gid}`), idParams(gid)));
    expect(g.body.members.map((m: { value: string }) => m.value)).toEqual([fiona.id]);
    const byMember = await read(
      await groupsRoute.GET(req('GET', `/Groups?filter=${encodeURIComponent(`members.value eq "${fiona.id}"`)}`)),
    );
    expect(byMember.body.totalResults).toBe(1);

    // Removed at the IdP: the role is gone at the very next request, without signing in again.
    await patchScimGroup(gid, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${fiona.id}"]` }] }, map);
    expect((await loadSessionActor(sid))!.roles).not.toContain('approver');
    expect((await read(await groupRoute.GET(req('GET', `/Groups/${gid}`), idParams(gid)))).body.members).toEqual([]);

    const before = await groupCount();
    const bad = await read(
      await groupsRoute.POST(req('POST', '/Groups', { schemas: [GROUP], displayName: 'X', members: [{ value: 'not-a-user' }] })),
    );
    expect(bad).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
    const clash = await read(await groupsRoute.POST(req('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering' })));
    expect(clash).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
    expect(await groupCount()).toBe(before);
    // The portal's own groups are not the IdP's to see or change.
    const eng = (await db().query.groups.findFirst({ where: eq(groups.name, 'Engineering') }))!;
    expect((await groupRoute.GET(req('GET', `/Groups/${eng.id}`), idParams(eng.id))).status).toBe(404);

    expect((await groupRoute.DELETE(req('DELETE', `/Groups/${gid}`), idParams(gid))).status).toBe(204);
    expect((await groupRoute.GET(req('GET', `/Groups/${gid}`), idParams(gid))).status).toBe(404);
  });

  it('DELETE deprovisions a user: gone from SCIM (404), deactivated, history kept', async () => {
    const [u] = (await list('externalId eq "bjensen"')).body.Resources;
    expect((await userRoute.DELETE(req('DELETE', `/Users/${u.id}`), idParams(u.id))).status).toBe(204);
    expect((await userRoute.GET(req('GET', `/Users/${u.id}`), idParams(u.id))).status).toBe(404);
    expect((await userRoute.DELETE(req('DELETE', `/Users/${u.id}`), idParams(u.id))).status).toBe(404);
    expect(await db().query.users.findFirst({ where: eq(users.id, u.id) })).toMatchObject({ active: false });
  });
});
