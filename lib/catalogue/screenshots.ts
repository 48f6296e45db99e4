import { and, asc, eq, sql } from 'drizzle-orm';
import type { Readable } from 'node:stream';
import { getDb } from '@/db';
import { products, productScreenshots } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { getStorage } from '@/lib/dml';
import { assertId, ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { checkImage } from './image-check';
import { ALT_TEXT_MAX, SCREENSHOT_MAX_BYTES, SCREENSHOTS_PER_PRODUCT } from './product-schema';
import { requesterCanSee, seesEverything } from './visibility';

export interface ScreenshotView {
  id: string;
  altText: string;
  /** Where the page loads it from; carries the content hash so caches never serve a stale one. */
  src: string;
}

const srcOf = (slug: string, s: { id: string; storageKey: string }) =>
  `/api/products/${slug}/screenshots/${s.id}?v=${s.storageKey.slice(0, 16)}`;

/** A product's screenshots in page order (the caller has already been allowed to see the product). */
export async function listScreenshots(productId: string, slug: string): Promise<ScreenshotView[]> {
  const rows = await getDb()
    .select()
    .from(productScreenshots)
    .where(eq(productScreenshots.productId, productId))
    .orderBy(asc(productScreenshots.position), asc(productScreenshots.createdAt));
  return rows.map((s) => ({ id: s.id, altText: s.altText, src: srcOf(slug, s) }));
}

/**
 * Adds a screenshot (PNG, JPEG or WebP by content; no SVG, which a screenshot never needs) at the
 * end. The product row is locked so two uploads at once cannot both take the last free place.
 */
export async function addScreenshot(actor: Actor, productId: string, bytes: Uint8Array, altText: string): Promise<void> {
  assertRole(actor, 'librarian', 'admin');
  assertId(productId, 'No such product.', 'product');
  const alt = altText.trim();
  if (!alt) throw new ValidationError('Describe the screenshot for people who cannot see it.', 'altText');
  if (alt.length > ALT_TEXT_MAX) throw new ValidationError(`Keep the description under ${ALT_TEXT_MAX} characters.`, 'altText');
  const type = checkImage(bytes, { field: 'screenshot', maxBytes: SCREENSHOT_MAX_BYTES, allowSvg: false, what: 'A screenshot' });
  const stored = await getStorage().put(
    (async function* () {
      yield bytes;
    })(),
  );
  await getDb().transaction(async (tx) => {
    const [product] = await tx.select({ id: products.id }).from(products).where(eq(products.id, productId)).for('update');
    if (!product) throw new NotFoundError('No such product.', 'product');
    const [{ count, last } = { count: 0, last: -1 }] = await tx
      .select({ count: sql<number>`count(*)::int`, last: sql<number>`coalesce(max(${productScreenshots.position}), -1)::int` })
      .from(productScreenshots)
      .where(eq(productScreenshots.productId, productId));
    if (count >= SCREENSHOTS_PER_PRODUCT) {
      throw new ConflictError(`A product has at most ${SCREENSHOTS_PER_PRODUCT} screenshots; remove one first.`, 'screenshot');
    }
    const [row] = await tx
      .insert(productScreenshots)
      .values({ productId, storageKey: stored.key, mediaType: type, altText: alt, position: last + 1 })
      .returning({ id: productScreenshots.id });
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'product.screenshot_added',
        entityType: 'product',
        entityId: productId,
        after: { screenshotId: row!.id, sha256: stored.sha256, type, altText: alt },
      },
      tx,
    );
  });
}

/** Removes a screenshot (its bytes stay until garbage collection finds nothing refers to them). */
export async function removeScreenshot(actor: Actor, screenshotId: string): Promise<void> {
  assertRole(actor, 'librarian', 'admin');
  assertId(screenshotId, 'No such screenshot.', 'screenshot');
  await getDb().transaction(async (tx) => {
    const [gone] = await tx.delete(productScreenshots).where(eq(productScreenshots.id, screenshotId)).returning();
    if (!gone) throw new NotFoundError('No such screenshot.', 'screenshot');
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'product.screenshot_removed',
        entityType: 'product',
        entityId: gone.productId,
        before: { screenshotId: gone.id, altText: gone.altText },
      },
      tx,
    );
  });
}

/** Moves a screenshot one place earlier or later, swapping with its neighbour. */
export async function moveScreenshot(actor: Actor, screenshotId: string, direction: 'up' | 'down'): Promise<void> {
  assertRole(actor, 'librarian', 'admin');
  assertId(screenshotId, 'No such screenshot.', 'screenshot');
  await getDb().transaction(async (tx) => {
    const [shot] = await tx.select().from(productScreenshots).where(eq(productScreenshots.id, screenshotId));
    if (!shot) throw new NotFoundError('No such screenshot.', 'screenshot');
    // Lock the product so concurrent moves renumber one at a time.
    await tx.select({ id: products.id }).from(products).where(eq(products.id, shot.productId)).for('update');
    const all = await tx
      .select()
      .from(productScreenshots)
      .where(eq(productScreenshots.productId, shot.productId))
      .orderBy(asc(productScreenshots.position), asc(productScreenshots.createdAt));
    const i = all.findIndex((s) => s.id === screenshotId);
    const j = direction === 'up' ? i - 1 : i + 1;
    if (i < 0 || j < 0 || j >= all.length) return; // already first or last: nothing to do
    [all[i], all[j]] = [all[j]!, all[i]!];
    for (const [position, s] of all.entries()) {
      await tx.update(productScreenshots).set({ position }).where(eq(productScreenshots.id, s.id));
    }
  });
}

/** A screenshot's bytes, for whoever may see its product (others get "not found", as for the page). */
export async function readScreenshot(actor: Actor, slug: string, screenshotId: string): Promise<{ mediaType: string; body: Readable }> {
  assertId(screenshotId, 'No such screenshot.');
  const [row] = await getDb()
    .select({ key: productScreenshots.storageKey, mediaType: productScreenshots.mediaType })
    .from(productScreenshots)
    .innerJoin(products, eq(products.id, productScreenshots.productId))
    .where(
      and(eq(productScreenshots.id, screenshotId), eq(products.slug, slug), seesEverything(actor) ? undefined : requesterCanSee(actor)),
    );
  if (!row) throw new NotFoundError('No such screenshot.');
  return { mediaType: row.mediaType, body: await getStorage().read(row.key) };
}
