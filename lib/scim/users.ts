import { and, asc, count, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { groupMembers, groups, users, type User } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { retryOnContention, sqlState } from '@/lib/errors';
import { deactivateUser } from '@/lib/sso/deactivate';
import { badRequest, ENTERPRISE_SCHEMA, LIST_SCHEMA, notFound, ScimError } from './errors';
import { filterToSql, type AttributeMap } from './filter';
import { applyPatch, patchOpsOf } from './patch';
import { knownUserAttributes, scimUserInput, storedUser, toScimUser } from './user-schema';

const SCIM = { kind: 'system' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEACTIVATED = 'Deactivated by the identity provider';

const userAttributes: AttributeMap = {
  id: { sql: sql`${users.id}`, kind: 'uuid' },
  userName: { sql: sql`coalesce(${users.userName}, ${users.email})`, kind: 'string' },
  externalId: { sql: sql`${users.externalId}`, kind: 'string', caseExact: true },
  emails: { sql: sql`${users.email}`, kind: 'string' },
  'emails.value': { sql: sql`${users.email}`, kind: 'string' },
  displayName: { sql: sql`${users.name}`, kind: 'string' },
  'name.formatted': { sql: sql`${users.name}`, kind: 'string' },
  active: { sql: sql`${users.active}`, kind: 'boolean' },
};

const live = isNull(users.deprovisionedAt);

/** A zod failure as a SCIM 400 naming the attribute. */
function parseUser(body: unknown) {
  const parsed = scimUserInput.safeParse(knownUserAttributes(body));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw badRequest(`${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`, 'invalidValue');
  }
  return storedUser(parsed.data);
}

async function groupsOf(tx: Tx | ReturnType<typeof getDb>, ids: string[]) {
  if (!ids.length) return new Map<string, { id: string; name: string }[]>();
  const rows = await tx
    .select({ userId: groupMembers.userId, id: groups.id, name: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(inArray(groupMembers.userId, ids))
    .orderBy(asc(groups.name));
  const map = new Map<string, { id: string; name: string }[]>();
  for (const r of rows) map.set(r.userId, [...(map.get(r.userId) ?? []), { id: r.id, name: r.name }]);
  return map;
}

async function represent(tx: Tx | ReturnType<typeof getDb>, u: User) {
  return toScimUser(u, (await groupsOf(tx, [u.id])).get(u.id) ?? []);
}

async function findLive(tx: Tx | ReturnType<typeof getDb>, id: string, lock = false): Promise<User> {
  if (!UUID.test(id)) throw notFound('User');
  const q = tx
    .select()
    .from(users)
    .where(and(eq(users.id, id), live));
  const [u] = lock ? await q.for('update') : await q;
  if (!u) throw notFound('User');
  return u;
}

/** Unique e-mail, userName and externalId, checked first so the answer names what clashed (the indexes still decide races). */
async function assertUnique(tx: Tx, s: ReturnType<typeof storedUser>, exceptId?: string): Promise<void> {
  const others = exceptId ? ne(users.id, exceptId) : undefined;
  const clash = (where: SQL | undefined) => tx.select({ id: users.id }).from(users).where(and(where, others)).limit(1);
  if ((await clash(eq(users.email, s.email))).length) throw new ScimError(409, 'Another user has this e-mail address.', 'uniqueness');
  const name = s.userName ?? s.email;
  if ((await clash(or(sql`lower(${users.userName}) = lower(${name})`, eq(users.email, name.toLowerCase())))).length)
    throw new ScimError(409, 'Another user has this userName.', 'uniqueness');
  if (s.externalId && (await clash(eq(users.externalId, s.externalId))).length)
    throw new ScimError(409, 'Another user has this externalId.', 'uniqueness');
}

async function assertManager(tx: Tx, managerId: string | null, selfId?: string): Promise<void> {
  if (!managerId) return;
  if (!UUID.test(managerId) || managerId === selfId) throw badRequest('manager.value is not a user of this portal.', 'invalidValue');
  const [m] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, managerId), live));
  if (!m) throw badRequest('manager.value is not a user of this portal.', 'invalidValue');
}

/** Runs one SCIM write: contention retried, a unique-index race answered as 409 uniqueness. */
async function write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await retryOnContention(() => getDb().transaction(work));
  } catch (e) {
    if (sqlState(e) === '23505') throw new ScimError(409, 'That userName, e-mail or externalId is taken.', 'uniqueness');
    throw e;
  }
}

export async function createScimUser(body: unknown) {
  const s = parseUser(body);
  return write(async (tx) => {
    await assertUnique(tx, s);
    await assertManager(tx, s.managerId);
    const [u] = await tx
      .insert(users)
      .values({ ...s, passwordHash: '!scim', roles: ['requester'] })
      .returning();
    await recordAudit({ actor: SCIM, action: 'user.provisioned', entityType: 'user', entityId: u!.id, after: { ...s, via: 'scim' } }, tx);
    return represent(tx, u!);
  });
}

export async function getScimUser(id: string) {
  const db = getDb();
  return represent(db, await findLive(db, id));
}

export async function listScimUsers(params: { filter?: string; startIndex: number; count: number }) {
  const db = getDb();
  const where = and(live, params.filter ? filterToSql(params.filter, userAttributes) : undefined);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.createdAt), asc(users.id))
      .offset(params.startIndex - 1)
      .limit(params.count),
    db.select({ n: count() }).from(users).where(where),
  ]);
  const memberships = await groupsOf(
    db,
    rows.map((r) => r.id),
  );
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total?.n ?? 0,
    startIndex: params.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((u) => toScimUser(u, memberships.get(u.id) ?? [])),
  };
}

/** PUT: the body replaces what the portal keeps of the user (RFC 7644 §3.5.1). */
export async function replaceScimUser(id: string, body: unknown) {
  const s = parseUser(body);
  return write((tx) => store(tx, id, () => s));
}

/** PATCH: the operations are applied to the user's representation, which is then stored like a PUT. */
export async function patchScimUser(id: string, body: unknown) {
  const ops = patchOpsOf(body);
  return write((tx) =>
    store(tx, id, (current) => {
      const { schemas: _s, id: _i, meta: _m, groups: _g, ...rest } = toScimUser(current, []);
      return parseUser(applyPatch(rest, ops, [ENTERPRISE_SCHEMA]));
    }),
  );
}

async function store(tx: Tx, id: string, next: (current: User) => ReturnType<typeof storedUser>) {
  const before = await findLive(tx, id, true);
  const s = next(before);
  await assertUnique(tx, s, id);
  await assertManager(tx, s.managerId, id);
  const { active, ...fields } = s;
  await tx.update(users).set(fields).where(eq(users.id, id));
  await recordAudit(
    {
      actor: SCIM,
      action: 'user.updated_by_idp',
      entityType: 'user',
      entityId: id,
      before: {
        email: before.email,
        userName: before.userName,
        name: before.name,
        externalId: before.externalId,
        managerId: before.managerId,
        active: before.active,
      },
      after: { ...s, via: 'scim' },
    },
    tx,
  );
  if (before.active && !active) await deactivateUser(tx, id, SCIM, DEACTIVATED);
  if (!before.active && active) {
    await tx.update(users).set({ active: true }).where(eq(users.id, id));
    await recordAudit({ actor: SCIM, action: 'user.reactivated', entityType: 'user', entityId: id, after: { via: 'scim' } }, tx);
  }
  return represent(tx, (await tx.query.users.findFirst({ where: eq(users.id, id) }))!);
}

/**
 * DELETE: history refers to people, so the row stays; the person is deactivated (everything
 * deactivation does) and gone from SCIM from then on (404), with their external ids released.
 */
export async function deleteScimUser(id: string): Promise<void> {
  await write(async (tx) => {
    await findLive(tx, id, true);
    await deactivateUser(tx, id, SCIM, 'Deleted at the identity provider');
    await tx
      .update(users)
      .set({ deprovisionedAt: sql`now()`, externalId: null, userName: null })
      .where(eq(users.id, id));
    await recordAudit({ actor: SCIM, action: 'user.deprovisioned', entityType: 'user', entityId: id, after: { via: 'scim' } }, tx);
  });
}

export const scimUserFilterAttributes = Object.keys(userAttributes);
