import { and, eq, inArray, notInArray, or } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { groupMembers, groups, users, type Role } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import { managedRoles, type GroupMap } from './settings';

/** The roles a person has when the IdP says they are in `idpGroups`: unmanaged roles are kept. */
export function rolesFor(current: readonly Role[], idpGroups: readonly string[], map: GroupMap): Role[] {
  const managed = managedRoles(map);
  const granted = new Set<Role>(current.filter((r) => !managed.has(r)));
  granted.add('requester'); // everyone who may sign in may request
  for (const g of idpGroups) for (const r of map[g]?.roles ?? []) granted.add(r);
  return [...granted].sort();
}

/** Portal groups the IdP puts the person in: the mapping's targets, and SCIM groups they are a member of. */
async function idpGroupIds(tx: DbOrTx, idpGroups: readonly string[], map: GroupMap): Promise<string[]> {
  const names = [...new Set(idpGroups.flatMap((g) => map[g]?.groups ?? []))];
  if (names.length === 0 && idpGroups.length === 0) return [];
  const byName = names.length ? inArray(groups.name, names) : undefined;
  const scim = idpGroups.length
    ? and(eq(groups.scimManaged, true), or(inArray(groups.name, [...idpGroups]), inArray(groups.externalId, [...idpGroups])))
    : undefined;
  const rows = await tx.select({ id: groups.id }).from(groups).where(or(byName, scim));
  return rows.map((r) => r.id);
}

/**
 * Makes the database say what the IdP says: the person's IdP groups, the roles the mapping derives
 * from them, and their IdP-managed group memberships (memberships an administrator set by hand are
 * left alone). Runs at each sign-in and whenever SCIM changes a group, so a group removed at the
 * IdP takes effect at the person's next request (every request reads roles from the database).
 * Audited when anything changed.
 */
export async function applyIdpGroups(
  tx: DbOrTx,
  userId: string,
  idpGroups: readonly string[],
  map: GroupMap,
  by: AuditActor,
): Promise<void> {
  const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
  if (!user) return;
  const wanted = [...new Set(idpGroups)].sort();
  const roles = rolesFor(user.roles, wanted, map);
  const groupIds = await idpGroupIds(tx, wanted, map);
  const removed = await tx
    .delete(groupMembers)
    .where(
      and(
        eq(groupMembers.userId, userId),
        eq(groupMembers.source, 'idp'),
        groupIds.length ? notInArray(groupMembers.groupId, groupIds) : undefined,
      ),
    )
    .returning({ groupId: groupMembers.groupId });
  const added = groupIds.length
    ? await tx
        .insert(groupMembers)
        .values(groupIds.map((groupId) => ({ groupId, userId, source: 'idp' as const })))
        .onConflictDoNothing()
        .returning({ groupId: groupMembers.groupId })
    : [];
  const sameRoles = roles.join() === [...user.roles].sort().join();
  const sameGroups = wanted.join() === [...user.idpGroups].sort().join();
  if (sameRoles && sameGroups && !removed.length && !added.length) return;
  await tx.update(users).set({ roles, idpGroups: wanted }).where(eq(users.id, userId));
  await recordAudit(
    {
      actor: by,
      action: 'user.idp_access_applied',
      entityType: 'user',
      entityId: userId,
      before: { roles: user.roles, idpGroups: user.idpGroups },
      after: { roles, idpGroups: wanted, groupsAdded: added.map((a) => a.groupId), groupsRemoved: removed.map((r) => r.groupId) },
    },
    tx,
  );
}

/** Adds or removes one IdP group of a person (SCIM group membership), then re-applies the mapping. */
export async function changeIdpGroup(
  tx: DbOrTx,
  userId: string,
  keys: readonly string[],
  member: boolean,
  map: GroupMap,
  by: AuditActor,
): Promise<void> {
  const [row] = await tx.select({ idpGroups: users.idpGroups }).from(users).where(eq(users.id, userId));
  if (!row) return;
  const next = member ? [...row.idpGroups, ...keys] : row.idpGroups.filter((g) => !keys.includes(g));
  await applyIdpGroups(tx, userId, next, map, by);
}
