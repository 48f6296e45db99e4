import { and, eq, isNull } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { artifacts, artifactSignatures, products, releaseDocuments, type Product, type Release } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import { assertId, NotFoundError, ValidationError } from '@/lib/errors';
import { criticalAdvisoriesFor } from './advisories';

/** What the product's trust policy has against publishing this release (empty = nothing). */
export async function trustPolicyFailures(tx: DbOrTx, product: Product, release: Release): Promise<string[]> {
  const failures: string[] = [];
  if (product.requireSignatures) {
    const unsigned = await tx
      .select({ platform: artifacts.platform })
      .from(artifacts)
      .leftJoin(artifactSignatures, eq(artifactSignatures.artifactId, artifacts.id))
      .where(and(eq(artifacts.releaseId, release.id), isNull(artifactSignatures.artifactId)));
    if (unsigned.length) failures.push(`signature missing for ${unsigned.map((u) => u.platform).join(', ')}`);
  }
  if (product.requireSbom) {
    const sbom = await tx.query.releaseDocuments.findFirst({
      where: and(eq(releaseDocuments.releaseId, release.id), eq(releaseDocuments.kind, 'sbom')),
    });
    if (!sbom) failures.push('SBOM missing');
  }
  if (product.blockCriticalAdvisories) {
    const ids = await criticalAdvisoriesFor(release.id, tx);
    if (ids.length) failures.push(`critical advisory ${ids.join(', ')} affects this release`);
  }
  return failures;
}

/**
 * The publishing gate: refuses (422 on `policy`) unless an override change reference is given,
 * in which case the override and what it overrode are audited in the publishing transaction.
 */
export async function enforceTrustPolicy(
  tx: DbOrTx,
  actor: AuditActor,
  product: Product,
  release: Release,
  overrideRef: string | undefined,
): Promise<void> {
  const failures = await trustPolicyFailures(tx, product, release);
  if (failures.length === 0) return;
  if (!overrideRef)
    throw new ValidationError(
      `${product.name} ${release.version} cannot be published: ${failures.join('; ')}. An override needs a change reference.`,
      'policy',
    );
  await recordAudit(
    { actor, action: 'release.policy_override', entityType: 'release', entityId: release.id, after: { overrideRef, failures } },
    tx,
  );
}

export interface TrustPolicy {
  requireSignatures: boolean;
  requireSbom: boolean;
  blockCriticalAdvisories: boolean;
}

/** A librarian sets the product's trust policy; the change is audited with before and after. */
export async function setTrustPolicy(actor: Actor, productId: string, policy: TrustPolicy): Promise<void> {
  assertRole(actor, 'librarian', 'admin');
  assertId(productId, 'No such product.', 'product');
  await getDb().transaction(async (tx) => {
    const [before] = await tx.select().from(products).where(eq(products.id, productId)).for('update');
    if (!before) throw new NotFoundError('No such product.', 'product');
    await tx
      .update(products)
      .set({ ...policy, updatedAt: new Date() })
      .where(eq(products.id, productId));
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'product.trust_policy_changed',
        entityType: 'product',
        entityId: productId,
        before: {
          requireSignatures: before.requireSignatures,
          requireSbom: before.requireSbom,
          blockCriticalAdvisories: before.blockCriticalAdvisories,
        },
        after: policy,
      },
      tx,
    );
  });
}

export async function readTrustPolicy(productId: string): Promise<TrustPolicy> {
  const [p] = await getDb()
    .select({
      requireSignatures: products.requireSignatures,
      requireSbom: products.requireSbom,
      blockCriticalAdvisories: products.blockCriticalAdvisories,
    })
    .from(products)
    .where(eq(products.id, productId));
  if (!p) throw new NotFoundError('No such product.', 'product');
  return p;
}
