import { and, count, eq, inArray } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { artifacts, products, releases, type Release, type ReleaseStatus } from '@/db/schema';
import { enforceTrustPolicy } from '@/lib/trust/policy';
import { recordAudit } from '@/lib/audit/service';
import { assertId, ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { isStorableText } from '@/lib/text';
import { assertMayManageProduct, assertMayUseLibrary, auditActorOf, userIdOf, type DmlPrincipal } from './principal';
import type { ReleaseInput } from './schema';
import { tellHoldersOfWithdrawal } from './withdrawal-notice';

export interface ReleaseSummary {
  id: string;
  productId: string;
  version: string;
  status: ReleaseStatus;
  notes: string;
  changeRef: string | null;
  withdrawReason: string | null;
  publishedAt: Date | null;
}

const summary = (r: Release): ReleaseSummary => ({
  id: r.id,
  productId: r.productId,
  version: r.version,
  status: r.status,
  notes: r.notes,
  changeRef: r.changeRef,
  withdrawReason: r.withdrawReason,
  publishedAt: r.publishedAt,
});

export async function findProductBySlug(slug: string, tx: DbOrTx = getDb()) {
  const product =
    slug.length <= 100 && isStorableText(slug) ? await tx.query.products.findFirst({ where: eq(products.slug, slug) }) : undefined;
  if (!product) throw new NotFoundError(`No product "${slug}".`, 'product');
  return product;
}

async function loadRelease(tx: DbOrTx, releaseId: string): Promise<Release> {
  assertId(releaseId, 'No such release.', 'release');
  const release = await tx.query.releases.findFirst({ where: eq(releases.id, releaseId) });
  if (!release) throw new NotFoundError('No such release.', 'release');
  return release;
}

/** A new draft release. A version already used by the product is a conflict. */
export async function createRelease(p: DmlPrincipal, productId: string, input: ReleaseInput): Promise<ReleaseSummary> {
  assertMayUseLibrary(p);
  assertId(productId, 'No such product.', 'product');
  return getDb().transaction(async (tx) => {
    if (!(await tx.query.products.findFirst({ where: eq(products.id, productId), columns: { id: true } })))
      throw new NotFoundError('No such product.', 'product');
    await assertMayManageProduct(p, productId, tx);
    const [created] = await tx
      .insert(releases)
      .values({ productId, version: input.version, notes: input.notes, createdById: userIdOf(p) })
      .onConflictDoNothing()
      .returning();
    if (!created) throw new ConflictError(`Version ${input.version} already exists for this product.`, 'version');
    await recordAudit(
      { actor: auditActorOf(p), action: 'release.created', entityType: 'release', entityId: created.id, after: summary(created) },
      tx,
    );
    return summary(created);
  });
}

/** Notes can be corrected at any stage; they describe the release, they are not its bytes. */
export async function updateReleaseNotes(p: DmlPrincipal, releaseId: string, notes: string): Promise<ReleaseSummary> {
  assertMayUseLibrary(p);
  return getDb().transaction(async (tx) => {
    const before = await loadRelease(tx, releaseId);
    await assertMayManageProduct(p, before.productId, tx);
    const [after] = await tx.update(releases).set({ notes }).where(eq(releases.id, releaseId)).returning();
    await recordAudit(
      {
        actor: auditActorOf(p),
        action: 'release.notes_updated',
        entityType: 'release',
        entityId: releaseId,
        before: { notes: before.notes },
        after: { notes },
      },
      tx,
    );
    return summary(after!);
  });
}

/**
 * Moves a release from one of `from` to `to` with a conditional update, so that of two people
 * acting at once exactly one wins and the other gets a conflict naming the state it found.
 */
async function transition(
  p: DmlPrincipal,
  releaseId: string,
  from: ReleaseStatus[],
  to: ReleaseStatus,
  changes: Partial<typeof releases.$inferInsert>,
  check?: (release: Release, tx: DbOrTx) => Promise<void>,
  /** Runs in the transaction after the change (notifications, whose e-mails are queued jobs). */
  then?: (release: Release, tx: DbOrTx) => Promise<void>,
): Promise<ReleaseSummary> {
  assertMayUseLibrary(p);
  return getDb().transaction(async (tx) => {
    const before = await loadRelease(tx, releaseId);
    await assertMayManageProduct(p, before.productId, tx);
    if (!from.includes(before.status)) {
      throw new ConflictError(`This release is ${before.status}; it cannot become ${to}.`, 'status');
    }
    await check?.(before, tx);
    const [after] = await tx
      .update(releases)
      .set({ ...changes, status: to })
      .where(and(eq(releases.id, releaseId), inArray(releases.status, from)))
      .returning();
    if (!after) throw new ConflictError(`Someone else changed this release first; it is no longer ${before.status}.`, 'status');
    await recordAudit(
      {
        actor: auditActorOf(p),
        action: `release.${to}`,
        entityType: 'release',
        entityId: releaseId,
        before: summary(before),
        after: summary(after),
      },
      tx,
    );
    if (then) await then(after, tx);
    return summary(after);
  });
}

/**
 * Publishes a draft. The product's trust policy (signatures, SBOM, critical advisories) must be
 * met, or overridden with a change reference (`overrideRef`), which is audited.
 */
export async function publishRelease(
  p: DmlPrincipal,
  releaseId: string,
  input: { changeRef?: string; overrideRef?: string },
): Promise<ReleaseSummary> {
  return transition(
    p,
    releaseId,
    ['draft'],
    'published',
    { publishedAt: new Date(), changeRef: input.changeRef ?? null },
    async (release, tx) => {
      const product = await tx.query.products.findFirst({ where: eq(products.id, release.productId) });
      if (product?.requireChangeRef && !input.changeRef) {
        throw new ValidationError(`${product.name} needs a change-record reference to publish.`, 'changeRef');
      }
      const [row] = await tx.select({ n: count() }).from(artifacts).where(eq(artifacts.releaseId, release.id));
      if (!row?.n) throw new ValidationError('Add at least one artifact before publishing.', 'artifacts');
      await enforceTrustPolicy(tx, auditActorOf(p), product!, release, input.overrideRef);
    },
  );
}

export async function deprecateRelease(p: DmlPrincipal, releaseId: string): Promise<ReleaseSummary> {
  return transition(p, releaseId, ['published'], 'deprecated', { deprecatedAt: new Date() });
}

/** Final: a withdrawn release is never served again. */
export async function withdrawRelease(p: DmlPrincipal, releaseId: string, reason: string): Promise<ReleaseSummary> {
  if (!reason.trim()) throw new ValidationError('Give the reason for withdrawal.', 'reason');
  return transition(
    p,
    releaseId,
    ['published', 'deprecated'],
    'withdrawn',
    { withdrawnAt: new Date(), withdrawReason: reason.trim() },
    undefined,
    tellHoldersOfWithdrawal,
  );
}

/** Drafts that were never published can be thrown away, with their artifacts. */
export async function deleteDraftRelease(p: DmlPrincipal, releaseId: string): Promise<void> {
  assertMayUseLibrary(p);
  await getDb().transaction(async (tx) => {
    const before = await loadRelease(tx, releaseId);
    await assertMayManageProduct(p, before.productId, tx);
    if (before.status !== 'draft') throw new ConflictError(`Only a draft can be deleted; this release is ${before.status}.`, 'status');
    await tx.delete(artifacts).where(eq(artifacts.releaseId, releaseId));
    const deleted = await tx
      .delete(releases)
      .where(and(eq(releases.id, releaseId), eq(releases.status, 'draft')))
      .returning({ id: releases.id });
    if (deleted.length === 0) throw new ConflictError('Someone else changed this release first.', 'status');
    await recordAudit(
      { actor: auditActorOf(p), action: 'release.deleted', entityType: 'release', entityId: releaseId, before: summary(before) },
      tx,
    );
  });
}
