import { and, asc, count, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { devices, entitlements, products, serviceRequests, users } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { requesterCanSee, seesEverything } from '@/lib/catalogue/visibility';
import { NotFoundError } from '@/lib/errors';

export interface SeatUsage {
  limit: number | null;
  inUse: number;
  waiting: number;
  holders: {
    entitlementId: string;
    user: string;
    email: string;
    device: string;
    since: Date;
    expiresAt: Date | null;
    requestId: string | null;
  }[];
}

/** Who holds the product's licence seats, and how many requests wait for one (librarians, admins). */
export async function getSeatUsage(actor: Actor, productId: string): Promise<SeatUsage> {
  assertRole(actor, 'librarian', 'admin');
  const db = getDb();
  const product = await db.query.products.findFirst({ where: eq(products.id, productId) });
  if (!product) throw new NotFoundError('No such product.');
  const [holders, [waiting]] = await Promise.all([
    db
      .select({
        entitlementId: entitlements.id,
        user: users.name,
        email: users.email,
        device: devices.hostname,
        since: entitlements.createdAt,
        expiresAt: entitlements.expiresAt,
        requestId: entitlements.requestId,
      })
      .from(entitlements)
      .innerJoin(users, eq(users.id, entitlements.userId))
      .innerJoin(devices, eq(devices.id, entitlements.deviceId))
      .where(and(eq(entitlements.productId, productId), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true)))
      .orderBy(asc(entitlements.createdAt)),
    db
      .select({ n: count() })
      .from(serviceRequests)
      .where(and(eq(serviceRequests.productId, productId), eq(serviceRequests.status, 'waiting_for_seat'))),
  ]);
  return { limit: product.seatLimit, inUse: holders.length, waiting: waiting?.n ?? 0, holders };
}

/** What a requester is told about a seat-limited product before asking (null: it has no seat limit). */
export interface SeatsLeft {
  limit: number;
  free: number;
  /** Requests already waiting for a seat (they are served first). */
  waiting: number;
  whenNone: 'wait' | 'reject';
}

/**
 * Free seats of a product the actor may see: the same count approval takes a seat against, so
 * "3 of 25 left" is what an approval now would find (another approval may still take it first).
 */
export async function seatsLeft(actor: Actor, productId: string): Promise<SeatsLeft | null> {
  const db = getDb();
  const [product] = await db
    .select({ limit: products.seatLimit, whenNone: products.seatExhausted })
    .from(products)
    .where(and(eq(products.id, productId), seesEverything(actor) ? undefined : requesterCanSee(actor)));
  if (!product) throw new NotFoundError('No such product.');
  if (product.limit === null) return null;
  const [[held], [waiting]] = await Promise.all([
    db
      .select({ n: count() })
      .from(entitlements)
      .where(and(eq(entitlements.productId, productId), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true))),
    db
      .select({ n: count() })
      .from(serviceRequests)
      .where(and(eq(serviceRequests.productId, productId), eq(serviceRequests.status, 'waiting_for_seat'))),
  ]);
  return { limit: product.limit, free: Math.max(0, product.limit - (held?.n ?? 0)), waiting: waiting?.n ?? 0, whenNone: product.whenNone };
}
