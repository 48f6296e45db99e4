import { and, asc, count, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { devices, entitlements, products, serviceRequests, users } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
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
