import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { deviceCurrentInstalls, devices, entitlements, products, type Release } from '@/db/schema';
import { notify } from '@/lib/notifications/service';

/**
 * Tells everyone who holds a withdrawn release: people entitled to exactly that release, and the
 * owners of devices that run it now (from the ledger's current state). In the withdrawal's
 * transaction, so nobody is told of a withdrawal that did not happen.
 */
export async function tellHoldersOfWithdrawal(release: Release, tx: DbOrTx): Promise<void> {
  const product = await tx.query.products.findFirst({ where: eq(products.id, release.productId), columns: { name: true, slug: true } });
  const holders = await tx
    .select({ userId: entitlements.userId })
    .from(entitlements)
    .where(and(eq(entitlements.releaseId, release.id), eq(entitlements.status, 'active')))
    .union(
      tx
        .select({ userId: sql<string>`${devices.ownerId}` })
        .from(deviceCurrentInstalls)
        .innerJoin(devices, eq(devices.id, deviceCurrentInstalls.deviceId))
        .where(eq(deviceCurrentInstalls.releaseId, release.id)),
    );
  const name = product?.name ?? 'A product';
  await notify(
    tx,
    holders.flatMap((h) => (h.userId ? [h.userId] : [])),
    {
      kind: 'release_withdrawn',
      title: `${name} ${release.version} was withdrawn`,
      body: `Withdrawn: ${release.withdrawReason ?? 'no reason recorded'}. It can no longer be downloaded; remove it or move to a newer release.`,
      link: product ? `/catalogue/${product.slug}` : undefined,
    },
  );
}
