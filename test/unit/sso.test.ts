import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';

// Local sign-in off: passwords are for break-glass administrators only (read when lib/env loads).
vi.hoisted(() => {
  process.env.LOCAL_SIGN_IN = 'off';
});

import { auditEvents, groupMembers, groups, userIdentities, users } from '@/db/schema';
import { loadSessionActor, openSession } from '@/lib/auth/sessions';
import { signInInput } from '@/lib/auth/schema';
import { verifyCredentials } from '@/lib/auth/sign-in';
import { UnauthorizedError } from '@/lib/errors';
import { signInWithOidc, SsoRefused, type OidcClaims } from '@/lib/sso/accounts';
import type { SsoSettings } from '@/lib/sso/settings';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const ISSUER = 'https://idp.example.test';
const settings: SsoSettings = {
  issuer: ISSUER,
  unknownUsers: 'create',
  groupsClaim: 'groups',
  managerClaim: 'manager',
  groupMap: {
    'portal-approvers': { roles: ['approver'], groups: ['IT Operations'] },
    'portal-librarians': { roles: ['librarian'], groups: [] },
  },
};
const claims = (c: OidcClaims): OidcClaims => ({ iss: ISSUER, email_verified: true, ...c });
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'signed in',
    (e: unknown) => (e instanceof SsoRefused ? e.reason : String(e)),
  );
const identitiesOf = async (userId: string) => db().select().from(userIdentities).where(eq(userIdentities.userId, userId));
const inGroup = async (userId: string, name: string) => {
  const g = (await db().query.groups.findFirst({ where: eq(groups.name, name) }))!;
  return (
    (
      await db()
        .select()
        .from(groupMembers)
        .where(and(eq(groupMembers.groupId, g.id), eq(groupMembers.userId, userId)))
    ).length > 0
  );
};

describe(`OpenID Connect accounts (${engine})`, () => {
  it('links the first sign-in to the account with the same verified e-mail, then finds it by subject even after an e-mail change', async () => {
    const bob = await actor('bob@example.com');
    const first = await signInWithOidc(claims({ sub: 'sub-bob', email: 'Bob@Example.com' }), settings);
    expect(first.id).toBe(bob.id);
    expect((await identitiesOf(bob.id)).map((i) => [i.issuer, i.subject])).toEqual([[ISSUER, 'sub-bob']]);
    const renamed = await signInWithOidc(claims({ sub: 'sub-bob', email: 'robert.berg@example.com', name: 'Robert Berg' }), settings);
    expect(renamed.id).toBe(bob.id);
    expect(await db().select().from(users).where(eq(users.email, 'robert.berg@example.com'))).toHaveLength(0);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, bob.id), eq(auditEvents.action, 'user.identity_linked')));
    expect(audit).toHaveLength(1);
  });

  it('never links an unverified e-mail, and refuses a second subject for a linked account', async () => {
    const fiona = await actor('fiona@example.com');
    for (const email_verified of [false, undefined, 'true']) {
      expect(await refusal(signInWithOidc(claims({ sub: 'sub-mallory', email: 'fiona@example.com', email_verified }), settings))).toBe(
        'unverified_email',
      );
    }
    expect(await identitiesOf(fiona.id)).toHaveLength(0);
    await signInWithOidc(claims({ sub: 'sub-fiona', email: 'fiona@example.com' }), settings);
    expect(await refusal(signInWithOidc(claims({ sub: 'sub-other', email: 'fiona@example.com' }), settings))).toBe('conflict');
    expect(await identitiesOf(fiona.id)).toHaveLength(1);
  });

  it('creates unknown people or refuses them, as configured; refuses a foreign issuer and a disabled account', async () => {
    expect(await refusal(signInWithOidc(claims({ sub: 'n1', email: 'newbie@example.com' }), { ...settings, unknownUsers: 'refuse' }))).toBe(
      'unknown_user',
    );
    expect(await db().query.users.findFirst({ where: eq(users.email, 'newbie@example.com') })).toBeUndefined();
    const made = await signInWithOidc(
      claims({ sub: 'n1', email: 'newbie@example.com', name: 'New Bie', groups: ['portal-librarians'] }),
      settings,
    );
    expect(made).toMatchObject({ email: 'newbie@example.com', name: 'New Bie', roles: ['librarian', 'requester'] });
    expect(await refusal(signInWithOidc(claims({ sub: 'n1', iss: 'https://evil.example', email: 'newbie@example.com' }), settings))).toBe(
      'invalid_claims',
    );
    await db().update(users).set({ active: false }).where(eq(users.id, made.id));
    expect(await refusal(signInWithOidc(claims({ sub: 'n1', email: 'newbie@example.com' }), settings))).toBe('disabled');
  });

  it('applies roles and groups from the groups claim at each sign-in; a removed group is gone at the next request', async () => {
    const ops = await actor('ops2@example.com');
    const a = await signInWithOidc(
      claims({ sub: 'sub-ops2', email: 'ops2@example.com', groups: ['portal-approvers', 'portal-librarians', 'unmapped'] }),
      settings,
    );
    expect(a.roles).toEqual(expect.arrayContaining(['approver', 'librarian', 'requester']));
    const sid = await openSession(a.id);
    expect(await inGroup(ops.id, 'IT Operations')).toBe(true);

    const b = await signInWithOidc(claims({ sub: 'sub-ops2', email: 'ops2@example.com', groups: ['portal-approvers'] }), settings);
    expect(b.roles).not.toContain('librarian');
    expect((await loadSessionActor(sid))!.roles).not.toContain('librarian'); // the old session sees it at once
    // No groups at all: managed roles go; IT Operations was the administrator's membership before (local), so it stays.
    const c = await signInWithOidc(claims({ sub: 'sub-ops2', email: 'ops2@example.com', groups: [] }), settings);
    expect(c.roles).toEqual(['requester']);
    expect(await inGroup(ops.id, 'IT Operations')).toBe(true);
    expect((await db().query.users.findFirst({ where: eq(users.id, ops.id) }))!.idpGroups).toEqual([]);
  });

  it('takes the manager from a claim (by e-mail), and ignores hostile claims', async () => {
    const [sec1, maria] = await Promise.all([actor('sec1@example.com'), actor('manager@example.com')]);
    await signInWithOidc(claims({ sub: 'sub-sec1', email: 'sec1@example.com', manager: 'manager@example.com' }), settings);
    expect((await db().query.users.findFirst({ where: eq(users.id, sec1.id) }))!.managerId).toBe(maria.id);
    const hostile = await signInWithOidc(
      claims({
        sub: 'sub-sec1',
        email: 'sec1@example.com',
        name: 'x\u0000y',
        groups: ['portal-approvers\u0000', 'a'.repeat(10_000), 42, { admin: true }],
        manager: 'sec1@example.com',
      }),
      settings,
    );
    expect(hostile.name).not.toContain('\u0000');
    expect(hostile.roles).toEqual(expect.not.arrayContaining(['librarian']));
    expect((await db().query.users.findFirst({ where: eq(users.id, sec1.id) }))!.managerId).toBe(maria.id); // not themselves
  });

  it('two first sign-ins at once link one identity and create one account', async () => {
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => signInWithOidc(claims({ sub: 'sub-race', email: 'race@example.com' }), settings)),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.id : ''))).size).toBe(1);
    expect(await db().select().from(users).where(eq(users.email, 'race@example.com'))).toHaveLength(1);
  });

  it('with local sign-in off, only administrators sign in with a password (break-glass), audited', async () => {
    const creds = (email: string) => signInInput.parse({ email, password: 'portal-demo' });
    await expect(verifyCredentials(creds('alice@example.com'), '10.9.0.1')).rejects.toBeInstanceOf(UnauthorizedError);
    const admin = await verifyCredentials(creds('admin@example.com'), '10.9.0.2');
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, admin.id), eq(auditEvents.action, 'auth.break_glass_sign_in')));
    expect(audit).toHaveLength(1);
  });
});
