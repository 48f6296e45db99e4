import { and, eq, exists, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { groupMembers, productGroups, products, releases } from '@/db/schema';
import { type Actor, hasRole } from '@/lib/auth/roles';

/** Librarians and admins run the DML, so they see every product and every release state. */
export const seesEverything = (actor: Actor) => hasRole(actor, 'librarian', 'admin');

/** Whether a product is open to the actor's groups (visibility 'everyone' or a shared group). */
export function openToActor(actor: Actor): SQL {
  const db = getDb();
  return or(
    eq(products.visibility, 'everyone'),
    exists(
      db
        .select({ one: sql`1` })
        .from(productGroups)
        .innerJoin(groupMembers, eq(groupMembers.groupId, productGroups.groupId))
        .where(and(eq(productGroups.productId, products.id), eq(groupMembers.userId, actor.id))),
    ),
  )!;
}

/**
 * What a requester may see: not archived, open to one of their groups, and with at least one
 * published release. Used for the list and for product pages alike, so a URL reveals nothing more.
 */
export function requesterCanSee(actor: Actor): SQL {
  const db = getDb();
  return and(
    eq(products.archived, false),
    openToActor(actor),
    exists(
      db
        .select({ one: sql`1` })
        .from(releases)
        .where(and(eq(releases.productId, products.id), eq(releases.status, 'published'))),
    ),
  )!;
}
