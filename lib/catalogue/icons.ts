import { and, eq } from 'drizzle-orm';
import type { Readable } from 'node:stream';
import { getDb } from '@/db';
import { products } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { getStorage } from '@/lib/dml';
import { NotFoundError } from '@/lib/errors';
import { requesterCanSee, seesEverything } from './visibility';

/** A product's icon, for whoever may see the product (others get "not found", as for the page). */
export async function readProductIcon(actor: Actor, slug: string): Promise<{ mediaType: string; body: Readable }> {
  const product = await getDb().query.products.findFirst({
    where: and(eq(products.slug, slug), seesEverything(actor) ? undefined : requesterCanSee(actor)),
  });
  if (!product?.iconKey || !product.iconMediaType) throw new NotFoundError('No icon.');
  return { mediaType: product.iconMediaType, body: await getStorage().read(product.iconKey) };
}
