import { alias } from 'drizzle-orm/pg-core';
import { asc, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { groupMembers, groups, users, type Role } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  active: boolean;
  manager: string | null;
  groups: string[];
}

/** Everyone with an account, their roles, manager and groups (admins only). */
export async function listUsers(actor: Actor): Promise<UserRow[]> {
  assertRole(actor, 'admin');
  const manager = alias(users, 'manager');
  return getDb()
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      roles: users.roles,
      active: users.active,
      manager: manager.name,
      groups: sql<string[]>`coalesce(array_agg(${groups.name} order by ${groups.name}) filter (where ${groups.name} is not null), '{}')`,
    })
    .from(users)
    .leftJoin(manager, eq(manager.id, users.managerId))
    .leftJoin(groupMembers, eq(groupMembers.userId, users.id))
    .leftJoin(groups, eq(groups.id, groupMembers.groupId))
    .groupBy(users.id, manager.name)
    .orderBy(asc(users.name));
}
