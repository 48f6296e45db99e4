import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { approvalStages, groupMembers, groups, productGroups, products } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, ConflictError, NotFoundError, retryOnContention, sqlState } from '@/lib/errors';
import type { GroupInput } from './schema';

export interface GroupRow {
  id: string;
  name: string;
  description: string;
  archived: boolean;
  members: number;
  /** Products whose approval policy or visibility names the group. */
  usedBy: string[];
}

const usedBy = (db: DbOrTx, groupId: unknown) =>
  sql<string[]>`array(
    select distinct p.name from ${products} p
    where not p.archived and (
      exists (select 1 from ${approvalStages} s where s.product_id = p.id and s.group_id = ${groupId})
      or exists (select 1 from ${productGroups} pg where pg.product_id = p.id and pg.group_id = ${groupId}))
    order by p.name)`;

/** Every group with its member count and the products that depend on it (admins only). */
export async function listGroups(actor: Actor): Promise<GroupRow[]> {
  assertRole(actor, 'admin');
  const db = getDb();
  return db
    .select({
      id: groups.id,
      name: groups.name,
      description: groups.description,
      archived: groups.archived,
      members: sql<number>`(select count(*)::int from ${groupMembers} m where m.group_id = "groups"."id")`,
      // Qualified by hand: in a one-table select drizzle writes columns bare, and a bare "id" inside the
      // subquery would mean the approval stage's own id.
      usedBy: usedBy(db, sql`"groups"."id"`),
    })
    .from(groups)
    .orderBy(asc(groups.archived), asc(groups.name));
}

async function assertNameFree(tx: DbOrTx, name: string, exceptId?: string) {
  const [taken] = await tx
    .select({ id: groups.id })
    .from(groups)
    .where(and(sql`lower(${groups.name}) = lower(${name})`, exceptId ? ne(groups.id, exceptId) : undefined));
  if (taken) throw new ConflictError(`A group called ${name} already exists.`, 'name');
}

/** A unique-name race the check above cannot see is the same conflict, not a 500. */
const nameRace = (name: string) => (e: unknown) => {
  if (sqlState(e) === '23505') throw new ConflictError(`A group called ${name} already exists.`, 'name');
  throw e;
};

export async function createGroup(actor: Actor, input: GroupInput): Promise<{ id: string }> {
  assertRole(actor, 'admin');
  return getDb()
    .transaction(async (tx) => {
      await assertNameFree(tx, input.name);
      const [row] = await tx.insert(groups).values(input).returning();
      await recordAudit(
        { actor: { kind: 'user', id: actor.id }, action: 'group.created', entityType: 'group', entityId: row!.id, after: input },
        tx,
      );
      return { id: row!.id };
    })
    .catch(nameRace(input.name));
}

export async function updateGroup(actor: Actor, id: string, input: GroupInput): Promise<void> {
  assertRole(actor, 'admin');
  assertId(id, 'No such group.', 'id');
  await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [before] = await tx.select().from(groups).where(eq(groups.id, id)).for('update');
      if (!before) throw new NotFoundError('No such group.', 'id');
      await assertNameFree(tx, input.name, id);
      await tx.update(groups).set(input).where(eq(groups.id, id));
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: 'group.updated',
          entityType: 'group',
          entityId: id,
          before: { name: before.name, description: before.description },
          after: input,
        },
        tx,
      );
    }),
  ).catch(nameRace(input.name));
}

/**
 * Archives a group (or brings it back). A group that a product's approval policy or visibility
 * still names cannot be archived: requests would stop at a stage nobody is offered to decide.
 */
export async function setGroupArchived(actor: Actor, id: string, archived: boolean): Promise<void> {
  assertRole(actor, 'admin');
  assertId(id, 'No such group.', 'id');
  await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [before] = await tx.select().from(groups).where(eq(groups.id, id)).for('update');
      if (!before) throw new NotFoundError('No such group.', 'id');
      if (before.archived === archived) return;
      if (archived) {
        const [row] = await tx
          .select({ names: usedBy(tx, id) })
          .from(groups)
          .where(eq(groups.id, id));
        const names = row?.names ?? [];
        if (names.length)
          throw new ConflictError(
            `${before.name} is still used by ${names.join(', ')}: change their policy or visibility first.`,
            'archived',
          );
      }
      await tx.update(groups).set({ archived }).where(eq(groups.id, id));
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: archived ? 'group.archived' : 'group.restored',
          entityType: 'group',
          entityId: id,
        },
        tx,
      );
    }),
  );
}
