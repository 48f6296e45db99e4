import { asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { environments, productPromotionSteps, products } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { assertId, NotFoundError, retryOnContention, ValidationError } from '@/lib/errors';
import { text } from '@/lib/text';
import { assertManager } from './access';

const ENVIRONMENT_KEY = /^[a-z][a-z0-9-]{0,31}$/;

/** The form's steps in order; blanks (an unused "Step n" select) are dropped before the service sees them. */
export const promotionPathInput = z.object({
  environments: z
    .array(text().trim().max(32, 'Unknown environment.'))
    .max(50, 'At most 50 steps.')
    .transform((v) => v.filter((k) => k !== '')),
});

/** Every product (for the path form), and the products that have a path of their own with their steps in order. */
export async function promotionPathChoices(actor: Actor) {
  assertManager(actor);
  const [all, own] = await Promise.all([
    getDb().select({ id: products.id, name: products.name }).from(products).orderBy(asc(products.name)),
    listOwnPromotionPaths(),
  ]);
  return { products: all, own };
}

async function listOwnPromotionPaths(tx: DbOrTx = getDb()) {
  const rows = await tx
    .select({ productId: products.id, product: products.name, environment: productPromotionSteps.environment })
    .from(productPromotionSteps)
    .innerJoin(products, eq(products.id, productPromotionSteps.productId))
    .orderBy(asc(products.name), asc(productPromotionSteps.position));
  const byProduct = new Map<string, { productId: string; product: string; environments: string[] }>();
  for (const r of rows) {
    const entry = byProduct.get(r.productId) ?? { productId: r.productId, product: r.product, environments: [] };
    entry.environments.push(r.environment);
    byProduct.set(r.productId, entry);
  }
  return [...byProduct.values()];
}

/**
 * Sets a product's promotion path: the environments a release passes through, in order. An empty
 * list removes the product's own path, so it follows every environment by rank again. Deployment
 * managers and admins only. The product row is locked first, so two managers saving at once
 * each write a whole path (the later one wins) and never a mixture of both.
 */
export async function setPromotionPath(
  actor: Actor,
  productId: string,
  environmentKeys: readonly string[],
): Promise<{ environments: string[] }> {
  assertManager(actor);
  assertId(productId, 'No such product.', 'productId');
  const keys = [...environmentKeys];
  // Anything not shaped like a key cannot name an environment (and must not reach SQL: NUL bytes).
  const malformed = keys.filter((k) => typeof k !== 'string' || !ENVIRONMENT_KEY.test(k));
  if (malformed.length) throw new ValidationError('Unknown environment.', 'environments');
  if (new Set(keys).size !== keys.length) throw new ValidationError('Each environment can appear once in a path.', 'environments');
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [product] = await tx.select({ id: products.id }).from(products).where(eq(products.id, productId)).for('no key update');
      if (!product) throw new NotFoundError('No such product.', 'productId');
      if (keys.length) {
        const known = await tx.select({ key: environments.key }).from(environments).where(inArray(environments.key, keys));
        const unknown = keys.filter((k) => !known.some((e) => e.key === k));
        if (unknown.length) throw new ValidationError(`Unknown environment: ${unknown.join(', ')}.`, 'environments');
      }
      const before = await tx
        .select({ environment: productPromotionSteps.environment })
        .from(productPromotionSteps)
        .where(eq(productPromotionSteps.productId, productId))
        .orderBy(asc(productPromotionSteps.position));
      await tx.delete(productPromotionSteps).where(eq(productPromotionSteps.productId, productId));
      if (keys.length)
        await tx.insert(productPromotionSteps).values(keys.map((environment, i) => ({ productId, environment, position: i + 1 })));
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: 'product.promotion_path_set',
          entityType: 'product',
          entityId: productId,
          before: { environments: before.map((b) => b.environment) },
          after: { environments: keys },
        },
        tx,
      );
      return { environments: keys };
    }),
  );
}
