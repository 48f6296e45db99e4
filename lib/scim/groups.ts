import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Tx } from '@/db';
import { approvalStages, groupMembers, groups, environments, users, type Group } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { retryOnContention, sqlState } from '@/lib/errors';
import { changeIdpGroup } from '@/lib/sso/mapping';
import { ssoSettings, type GroupMap } from '@/lib/sso/settings';
import { text } from '@/lib/text';
import { badRequest, GROUP_SCHEMA, LIST_SCHEMA, notFound, ScimError } from './errors';
import { filterToSql, type AttributeMap } from './filter';
import { applyPatch, patchOpsOf } from './patch';
import { scimBase } from './user-schema';

const SCIM = { kind: 'system' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KNOWN = ['schemas', 'id', 'meta', 'displayName', 'externalId', 'members'];

const groupAttributes: AttributeMap = {
  id: { sql: sql`${groups.id}`, kind: 'uuid' },
  displayName: { sql: sql`${groups.name}`, kind: 'string' },
  externalId: { sql: sql`${groups.externalId}`, kind: 'string', caseExact: true },
  'members.value': { sql: sql`${groupMembers.userId}::text`, kind: 'string' },
};

const groupInput = z.object({
  displayName: text().trim().min(1, 'displayName is required.').max(200, 'At most 200 characters.'),
  externalId: text().max(255).nullish(),
  members: z
    .array(
      z.object({
        value: text().max(64),
        display: text().max(320).nullish(),
        type: text().max(20).nullish(),
        $ref: text().max(2048).nullish(),
      }),
    )
    .max(50_000)
    .nullish(),
});
type GroupInput = { name: string; externalId: string | null; memberIds: string[] };

function parseGroup(body: unknown): GroupInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body is a JSON object.', 'invalidSyntax');
  const folded: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const known = KNOWN.find((n) => n.toLowerCase() === k.toLowerCase());
    if (!known) throw badRequest(`Unknown attribute "${k}".`, 'invalidSyntax');
    folded[known] = v;
  }
  const parsed = groupInput.safeParse(folded);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw badRequest(`${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`, 'invalidValue');
  }
  const p = parsed.data;
  return {
    name: p.displayName,
    externalId: p.externalId ?? null,
    memberIds: [...new Set((p.members ?? []).map((m) => m.value.toLowerCase()))],
  };
}

/** Every member is a live portal user (nested groups are not supported): else 400, nothing stored. */
async function assertMembers(tx: Tx, ids: string[]): Promise<void> {
  if (ids.some((id) => !UUID.test(id))) throw badRequest('members: every value is the id of a User.', 'invalidValue');
  if (!ids.length) return;
  const [found] = await tx
    .select({ n: count() })
    .from(users)
    .where(and(inArray(users.id, ids), isNull(users.deprovisionedAt)));
  if ((found?.n ?? 0) !== ids.length)
    throw badRequest('members: one of the values is not a user of this portal (nested groups are not supported).', 'invalidValue');
}

async function membersOf(tx: Tx | ReturnType<typeof getDb>, groupIds: string[]) {
  const map = new Map<string, { id: string; name: string }[]>();
  if (!groupIds.length) return map;
  const rows = await tx
    .select({ groupId: groupMembers.groupId, id: users.id, name: users.name })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(inArray(groupMembers.groupId, groupIds))
    .orderBy(asc(users.name));
  for (const r of rows) map.set(r.groupId, [...(map.get(r.groupId) ?? []), { id: r.id, name: r.name }]);
  return map;
}

function toScimGroup(g: Group, members: { id: string; name: string }[]) {
  return {
    schemas: [GROUP_SCHEMA],
    id: g.id,
    displayName: g.name,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    members: members.map((m) => ({ value: m.id, display: m.name, type: 'User', $ref: `${scimBase()}/Users/${m.id}` })),
    meta: { resourceType: 'Group', created: g.createdAt.toISOString(), location: `${scimBase()}/Groups/${g.id}` },
  };
}

async function represent(tx: Tx | ReturnType<typeof getDb>, g: Group) {
  return toScimGroup(g, (await membersOf(tx, [g.id])).get(g.id) ?? []);
}

/** Only groups created over SCIM are the IdP's; the portal's own groups are not visible or changeable here. */
async function findScimGroup(tx: Tx | ReturnType<typeof getDb>, id: string, lock = false): Promise<Group> {
  if (!UUID.test(id)) throw notFound('Group');
  const q = tx
    .select()
    .from(groups)
    .where(and(eq(groups.id, id), eq(groups.scimManaged, true)));
  const [g] = lock ? await q.for('update') : await q;
  if (!g) throw notFound('Group');
  return g;
}

const keysOf = (g: { name: string; externalId: string | null }) => (g.externalId ? [g.name, g.externalId] : [g.name]);

async function write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await retryOnContention(() => getDb().transaction(work));
  } catch (e) {
    if (sqlState(e) === '23505') throw new ScimError(409, 'A group with this displayName or externalId exists.', 'uniqueness');
    throw e;
  }
}

/**
 * Membership of a SCIM group is an IdP group of the person (users.idp_groups): changing it
 * re-applies the group→role mapping to them in the same transaction, so a removal takes effect
 * at their next request.
 */
async function syncMembers(tx: Tx, oldKeys: string[], newKeys: string[], before: string[], after: string[], map: GroupMap) {
  const keep = new Set(after);
  for (const userId of new Set([...before, ...after])) {
    await changeIdpGroup(tx, userId, oldKeys, false, map, SCIM);
    if (keep.has(userId)) await changeIdpGroup(tx, userId, newKeys, true, map, SCIM);
  }
}

export async function createScimGroup(body: unknown, map: GroupMap = ssoSettings().groupMap) {
  const input = parseGroup(body);
  return write(async (tx) => {
    await assertMembers(tx, input.memberIds);
    const [g] = await tx.insert(groups).values({ name: input.name, externalId: input.externalId, scimManaged: true }).returning();
    await syncMembers(tx, [], keysOf(g!), [], input.memberIds, map);
    await recordAudit(
      { actor: SCIM, action: 'group.provisioned', entityType: 'group', entityId: g!.id, after: { ...input, via: 'scim' } },
      tx,
    );
    return represent(tx, g!);
  });
}

export async function getScimGroup(id: string) {
  const db = getDb();
  return represent(db, await findScimGroup(db, id));
}

export async function listScimGroups(params: { filter?: string; startIndex: number; count: number }) {
  const db = getDb();
  const cond = params.filter ? filterToSql(params.filter, groupAttributes) : undefined;
  // members.value needs the membership rows: filter through an EXISTS so a group is listed once.
  const where = and(
    eq(groups.scimManaged, true),
    cond
      ? sql`exists (select 1 from ${groups} g2 left join ${groupMembers} on ${groupMembers.groupId} = g2.id where g2.id = ${groups.id} and ${cond})`
      : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(groups)
      .where(where)
      .orderBy(asc(groups.createdAt), asc(groups.id))
      .offset(params.startIndex - 1)
      .limit(params.count),
    db.select({ n: count() }).from(groups).where(where),
  ]);
  const members = await membersOf(
    db,
    rows.map((g) => g.id),
  );
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total?.n ?? 0,
    startIndex: params.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((g) => toScimGroup(g, members.get(g.id) ?? [])),
  };
}

async function store(tx: Tx, id: string, next: (current: Group, memberIds: string[]) => GroupInput, map: GroupMap) {
  const before = await findScimGroup(tx, id, true);
  const beforeMembers = ((await membersOf(tx, [id])).get(id) ?? []).map((m) => m.id);
  const input = next(before, beforeMembers);
  await assertMembers(tx, input.memberIds);
  const [g] = await tx.update(groups).set({ name: input.name, externalId: input.externalId }).where(eq(groups.id, id)).returning();
  await syncMembers(tx, keysOf(before), keysOf(g!), beforeMembers, input.memberIds, map);
  await recordAudit(
    {
      actor: SCIM,
      action: 'group.updated_by_idp',
      entityType: 'group',
      entityId: id,
      before: { name: before.name, externalId: before.externalId, memberIds: beforeMembers },
      after: { ...input, via: 'scim' },
    },
    tx,
  );
  return represent(tx, g!);
}

export async function replaceScimGroup(id: string, body: unknown, map: GroupMap = ssoSettings().groupMap) {
  const input = parseGroup(body);
  return write((tx) => store(tx, id, () => input, map));
}

export async function patchScimGroup(id: string, body: unknown, map: GroupMap = ssoSettings().groupMap) {
  const ops = patchOpsOf(body);
  return write((tx) =>
    store(
      tx,
      id,
      (g, memberIds) =>
        parseGroup(
          applyPatch(
            { displayName: g.name, ...(g.externalId ? { externalId: g.externalId } : {}), members: memberIds.map((value) => ({ value })) },
            ops,
          ),
        ),
      map,
    ),
  );
}

/** DELETE: members lose the IdP group (and what the mapping gave them for it); a group approvals still use is kept (409). */
export async function deleteScimGroup(id: string, map: GroupMap = ssoSettings().groupMap): Promise<void> {
  await write(async (tx) => {
    const g = await findScimGroup(tx, id, true);
    const [stage] = await tx.select({ id: approvalStages.id }).from(approvalStages).where(eq(approvalStages.groupId, id)).limit(1);
    const [step] = await tx.select({ key: environments.key }).from(environments).where(eq(environments.approvalGroupId, id)).limit(1);
    if (stage || step)
      throw new ScimError(409, 'Approval stages or environments use this group; change them in the portal first.', 'mutability');
    const members = ((await membersOf(tx, [id])).get(id) ?? []).map((m) => m.id);
    await syncMembers(tx, keysOf(g), [], members, [], map);
    await tx.delete(groups).where(eq(groups.id, id));
    await recordAudit(
      { actor: SCIM, action: 'group.deprovisioned', entityType: 'group', entityId: id, before: { name: g.name }, after: { via: 'scim' } },
      tx,
    );
  });
}
