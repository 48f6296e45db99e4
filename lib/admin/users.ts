import { and, asc, eq, inArray, notInArray } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import { groupMembers, groups, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { revokeAllSessions } from '@/lib/auth/sessions';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { NotFoundError, ValidationError } from '@/lib/errors';
import type { UserUpdateInput } from './schema';

const isUuid = (s: string) => z.uuid().safeParse(s).success;

export interface EditableUser extends UserUpdateInput {
  id: string;
  email: string;
}

export async function getEditableUser(
  actor: Actor,
  id: string,
): Promise<{ user: EditableUser; managers: { id: string; name: string }[]; groups: { id: string; name: string }[] }> {
  assertRole(actor, 'admin');
  const db = getDb();
  const user = isUuid(id) ? await db.query.users.findFirst({ where: eq(users.id, id) }) : undefined;
  if (!user) throw new NotFoundError('No such user.');
  const [memberOf, everyone, allGroups] = await Promise.all([
    db.select({ groupId: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, id)),
    db.select({ id: users.id, name: users.name }).from(users).where(eq(users.active, true)).orderBy(asc(users.name)),
    db.select({ id: groups.id, name: groups.name }).from(groups).orderBy(asc(groups.name)),
  ]);
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      roles: user.roles,
      managerId: user.managerId,
      active: user.active,
      groupIds: memberOf.map((m) => m.groupId),
    },
    managers: everyone.filter((u) => u.id !== id),
    groups: allGroups,
  };
}

/**
 * Changes an account's name, roles, manager, groups and whether it may sign in, in one
 * transaction, audited with before and after. An admin cannot take away their own admin role or
 * disable themselves, so the portal always keeps someone who can undo a mistake.
 */
export async function updateUser(actor: Actor, id: string, input: UserUpdateInput): Promise<void> {
  assertRole(actor, 'admin');
  if (id === actor.id && !input.roles.includes('admin'))
    throw new ValidationError('You cannot remove your own administrator role.', 'roles');
  if (id === actor.id && !input.active) throw new ValidationError('You cannot disable your own account.', 'active');
  if (input.managerId === id) throw new ValidationError('Nobody is their own manager.', 'managerId');
  if (!isUuid(id)) throw new NotFoundError('No such user.');
  await getDb().transaction(async (tx) => {
    const before = await tx.query.users.findFirst({ where: eq(users.id, id) });
    if (!before) throw new NotFoundError('No such user.');
    if (input.managerId && !(await tx.query.users.findFirst({ where: eq(users.id, input.managerId) }))) {
      throw new ValidationError('That manager does not exist.', 'managerId');
    }
    if (
      input.groupIds.length &&
      (await tx.select({ id: groups.id }).from(groups).where(inArray(groups.id, input.groupIds))).length !== input.groupIds.length
    ) {
      throw new ValidationError('One of the chosen groups no longer exists.', 'groupIds');
    }
    const beforeGroups = (await tx.select({ groupId: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, id))).map(
      (g) => g.groupId,
    );
    await tx
      .update(users)
      .set({ name: input.name, roles: input.roles, managerId: input.managerId, active: input.active })
      .where(eq(users.id, id));
    // Memberships kept keep their source, so one the IdP set stays the IdP's to remove.
    await tx
      .delete(groupMembers)
      .where(and(eq(groupMembers.userId, id), input.groupIds.length ? notInArray(groupMembers.groupId, input.groupIds) : undefined));
    if (input.groupIds.length)
      await tx
        .insert(groupMembers)
        .values(input.groupIds.map((groupId) => ({ groupId, userId: id })))
        .onConflictDoNothing();
    // A disabled account's sessions end for good: enabling it again later does not revive them.
    if (before.active && !input.active) await revokeAllSessions(id, 'Account disabled', tx);
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'user.updated',
        entityType: 'user',
        entityId: id,
        before: { name: before.name, roles: before.roles, managerId: before.managerId, active: before.active, groupIds: beforeGroups },
        after: input,
      },
      tx,
    );
  });
}
