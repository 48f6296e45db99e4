import { and, eq, inArray } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { approvalStages, groups, productGroups, products, type Product } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { getStorage } from '@/lib/dml';
import { assertId, ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { checkImage } from './image-check';
import { ICON_MAX_BYTES, type ProductInput } from './product-schema';

/** What the edit form needs: the product with its policy and groups as ids. */
export interface EditableProduct extends ProductInput {
  id: string;
  icon: string | null;
}

export async function getEditableProduct(actor: Actor, slug: string): Promise<EditableProduct> {
  assertRole(actor, 'librarian', 'admin');
  const db = getDb();
  const p = await db.query.products.findFirst({ where: eq(products.slug, slug) });
  if (!p) throw new NotFoundError('No such product.', 'product');
  const [stages, visible] = await Promise.all([
    db.select().from(approvalStages).where(eq(approvalStages.productId, p.id)).orderBy(approvalStages.position),
    db.select({ groupId: productGroups.groupId }).from(productGroups).where(eq(productGroups.productId, p.id)),
  ]);
  return {
    id: p.id,
    icon: p.iconKey,
    name: p.name,
    slug: p.slug,
    publisher: p.publisher,
    category: p.category,
    summary: p.summary,
    description: p.description,
    homepageUrl: p.homepageUrl ?? '',
    licenceModel: p.licenceModel as ProductInput['licenceModel'],
    seatLimit: p.seatLimit ?? undefined,
    seatExhausted: p.seatExhausted,
    visibility: p.visibility,
    groupIds: visible.map((v) => v.groupId),
    requireChangeRef: p.requireChangeRef,
    approvalTimeoutHours: p.approvalTimeoutHours,
    entitlementDays: p.entitlementDays ?? undefined,
    archived: p.archived,
    policy: stages.map((s) =>
      s.kind === 'group'
        ? { kind: 'group' as const, groupId: s.groupId!, requiredApprovals: s.requiredApprovals }
        : { kind: 'manager' as const },
    ),
  };
}

function columns(input: ProductInput) {
  return {
    slug: input.slug,
    name: input.name,
    publisher: input.publisher,
    category: input.category,
    summary: input.summary,
    description: input.description,
    homepageUrl: input.homepageUrl || null,
    licenceModel: input.licenceModel,
    seatLimit: input.seatLimit ?? null,
    seatExhausted: input.seatExhausted,
    visibility: input.visibility,
    requireChangeRef: input.requireChangeRef,
    approvalTimeoutHours: input.approvalTimeoutHours,
    entitlementDays: input.entitlementDays ?? null,
    archived: input.archived,
  };
}

/** Replaces the product's approval stages and visible groups, checking every group exists. */
async function writePolicy(tx: Tx, productId: string, input: ProductInput) {
  const groupIds = [...new Set([...input.groupIds, ...input.policy.flatMap((s) => (s.kind === 'group' ? [s.groupId] : []))])];
  if (groupIds.length) {
    const found = await tx
      .select({ id: groups.id })
      .from(groups)
      .where(and(inArray(groups.id, groupIds), eq(groups.archived, false)));
    if (found.length !== groupIds.length)
      throw new ValidationError('One of the chosen groups no longer exists or is archived.', 'groupIds');
  }
  await tx.delete(approvalStages).where(eq(approvalStages.productId, productId));
  await tx.delete(productGroups).where(eq(productGroups.productId, productId));
  if (input.policy.length) {
    await tx.insert(approvalStages).values(
      input.policy.map((s, i) => ({
        productId,
        position: i + 1,
        kind: s.kind,
        groupId: s.kind === 'group' ? s.groupId : null,
        requiredApprovals: s.kind === 'group' ? s.requiredApprovals : 1,
      })),
    );
  }
  if (input.visibility === 'groups') {
    await tx.insert(productGroups).values(input.groupIds.map((groupId) => ({ productId, groupId })));
  }
}

export async function createProduct(actor: Actor, input: ProductInput): Promise<{ slug: string }> {
  assertRole(actor, 'librarian', 'admin');
  return getDb().transaction(async (tx) => {
    const [created] = await tx.insert(products).values(columns(input)).onConflictDoNothing().returning();
    if (!created) throw new ConflictError(`The URL name "${input.slug}" is taken by another product.`, 'slug');
    await writePolicy(tx, created.id, input);
    await recordAudit(
      { actor: { kind: 'user', id: actor.id }, action: 'product.created', entityType: 'product', entityId: created.id, after: input },
      tx,
    );
    return { slug: created.slug };
  });
}

export async function updateProduct(actor: Actor, productId: string, input: ProductInput): Promise<{ slug: string }> {
  assertRole(actor, 'librarian', 'admin');
  assertId(productId, 'No such product.', 'product');
  return getDb().transaction(async (tx) => {
    const before = await tx.query.products.findFirst({ where: eq(products.id, productId) });
    if (!before) throw new NotFoundError('No such product.', 'product');
    const clash = await tx.query.products.findFirst({ where: eq(products.slug, input.slug) });
    if (clash && clash.id !== productId) throw new ConflictError(`The URL name "${input.slug}" is taken by another product.`, 'slug');
    const [after] = await tx
      .update(products)
      .set({ ...columns(input), updatedAt: new Date() })
      .where(eq(products.id, productId))
      .returning();
    await writePolicy(tx, productId, input);
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'product.updated',
        entityType: 'product',
        entityId: productId,
        before: columns(productInputOf(before)),
        after: input,
      },
      tx,
    );
    return { slug: after!.slug };
  });
}

// The audit "before" records the columns as they were (policy changes are in "after").
function productInputOf(p: Product): ProductInput {
  return {
    ...p,
    homepageUrl: p.homepageUrl ?? '',
    licenceModel: p.licenceModel as ProductInput['licenceModel'],
    seatLimit: p.seatLimit ?? undefined,
    entitlementDays: p.entitlementDays ?? undefined,
    groupIds: [],
    policy: [],
  };
}

/**
 * Stores an icon (PNG, JPEG, WebP or a self-contained SVG, checked by content) in the DML and
 * points the product at it.
 */
export async function setProductIcon(actor: Actor, productId: string, bytes: Uint8Array): Promise<void> {
  assertRole(actor, 'librarian', 'admin');
  assertId(productId, 'No such product.', 'product');
  const type = checkImage(bytes, { field: 'icon', maxBytes: ICON_MAX_BYTES, allowSvg: true, what: 'An icon' });
  const stored = await getStorage().put(
    (async function* () {
      yield bytes;
    })(),
  );
  await getDb().transaction(async (tx) => {
    const [updated] = await tx
      .update(products)
      .set({ iconKey: stored.key, iconMediaType: type, updatedAt: new Date() })
      .where(eq(products.id, productId))
      .returning({ id: products.id });
    if (!updated) throw new NotFoundError('No such product.', 'product');
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'product.icon_set',
        entityType: 'product',
        entityId: productId,
        after: { sha256: stored.sha256, type },
      },
      tx,
    );
  });
}
