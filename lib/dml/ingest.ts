import { and, eq, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { artifacts, artifactSignatures, products, releases, type Artifact, type Platform } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { env } from '@/lib/env';
import { assertId, ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { getStorage } from './index';
import { assertMayManageProduct, assertMayUseLibrary, auditActorOf, type DmlPrincipal } from './principal';
import type { ArtifactInput } from './schema';
import { isHashMismatch, isTooLarge } from './storage';
import { verifyArtifactSignature, type VerifiedSignature } from '@/lib/trust/verify-signature';

export interface ArtifactSummary {
  id: string;
  releaseId: string;
  platform: Platform;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  /** False when the same bytes were already this release's artifact (a retried upload). */
  created: boolean;
}

const summary = (a: Artifact, created: boolean): ArtifactSummary => ({
  id: a.id,
  releaseId: a.releaseId,
  platform: a.platform,
  fileName: a.fileName,
  mediaType: a.mediaType,
  sizeBytes: a.sizeBytes,
  sha256: a.sha256,
  created,
});

/**
 * Streams an upload into the DML and records it as an artifact of a draft release. The bytes are
 * hashed while they are written (never held in memory); a wrong expected hash, an oversized body
 * or a body cut off half-way leaves neither a file nor a row. Uploading the very same bytes again
 * for the same platform is idempotent.
 */
export async function ingestArtifact(
  p: DmlPrincipal,
  releaseId: string,
  input: ArtifactInput,
  body: AsyncIterable<Uint8Array>,
): Promise<ArtifactSummary> {
  assertMayUseLibrary(p);
  assertId(releaseId, 'No such release.', 'release');
  const db = getDb();
  const release = await db.query.releases.findFirst({ where: eq(releases.id, releaseId) });
  if (!release) throw new NotFoundError('No such release.', 'release');
  await assertMayManageProduct(p, release.productId, db);
  if (release.status !== 'draft')
    throw new ConflictError(`Artifacts can only be added to a draft; this release is ${release.status}.`, 'status');
  const product = await db.query.products.findFirst({ where: eq(products.id, release.productId) });
  if (product?.requireSignatures && !input.signature)
    throw new ValidationError(
      `Signature refused: missing — ${product.name} requires every artifact to be signed; send its detached signature.`,
      'signature',
    );

  let stored;
  try {
    stored = await getStorage().put(body, { expectedSha256: input.expectedSha256, maxBytes: env.DML_MAX_UPLOAD_BYTES });
  } catch (e) {
    if (isHashMismatch(e)) throw new ValidationError(e.message, 'sha256');
    if (isTooLarge(e)) throw new ValidationError(e.message, 'file');
    throw e;
  }

  try {
    // Checked against the stored bytes before any row exists: a refused signature leaves nothing.
    const signed = input.signature
      ? await verifyArtifactSignature(db, release.productId, input.signature, () => getStorage().read(stored.key))
      : null;
    return await recordArtifact(p, releaseId, input, stored, signed);
  } catch (e) {
    // Refused (platform taken, release no longer a draft, …): bytes this upload brought in must
    // not stay behind as an orphan. Bytes that were already there belong to someone else.
    if (stored.created) await removeIfOrphan(stored.key).catch((err) => console.error('Could not remove an orphan DML object', err));
    throw e;
  }
}

/**
 * Serialises "insert an artifact row for this object" against "delete this object as an
 * orphan" (transaction-scoped, keyed by the storage key), so a cleanup never deletes bytes that a
 * concurrent upload of the same content is about to point at.
 */
const lockStorageKey = (tx: DbOrTx, key: string) => tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);

/** Deletes the stored object if no artifact refers to it. */
export async function removeIfOrphan(key: string): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    await lockStorageKey(tx, key);
    const [used] = await tx.select({ id: artifacts.id }).from(artifacts).where(eq(artifacts.storageKey, key)).limit(1);
    if (used) return false;
    await getStorage().remove(key);
    return true;
  });
}

async function recordArtifact(
  p: DmlPrincipal,
  releaseId: string,
  input: ArtifactInput,
  stored: { key: string; sha256: string; size: number; blockSize: number; blockHashes: string },
  signed: VerifiedSignature | null,
): Promise<ArtifactSummary> {
  return getDb().transaction(async (tx) => {
    // Lock the release row: a publish running now waits for this insert, or this sees it published.
    const [locked] = await tx.select({ status: releases.status }).from(releases).where(eq(releases.id, releaseId)).for('update');
    const existing = await tx.query.artifacts.findFirst({
      where: and(eq(artifacts.releaseId, releaseId), eq(artifacts.platform, input.platform)),
    });
    if (existing) {
      if (existing.sha256 === stored.sha256 && existing.fileName === input.fileName) return summary(existing, false);
      throw new ConflictError(`This release already has a ${input.platform} artifact with other content; remove it first.`, 'platform');
    }
    if (locked?.status !== 'draft')
      throw new ConflictError(`Artifacts can only be added to a draft; this release is ${locked?.status}.`, 'status');
    // A refused upload of the same bytes may have removed them as an orphan since our put().
    await lockStorageKey(tx, stored.key);
    if (!(await getStorage().has(stored.key)))
      throw new ConflictError('The uploaded bytes were removed by a concurrent refused upload; upload the file again.', 'file');
    const [row] = await tx
      .insert(artifacts)
      .values({
        releaseId,
        platform: input.platform,
        fileName: input.fileName,
        mediaType: input.mediaType,
        sizeBytes: stored.size,
        sha256: stored.sha256,
        storageKey: stored.key,
        blockSize: stored.blockSize,
        blockHashes: stored.blockHashes,
      })
      .returning();
    if (signed)
      await tx
        .insert(artifactSignatures)
        .values({ artifactId: row!.id, keyId: signed.keyId, kind: signed.kind, signer: signed.signer, signature: input.signature! });
    await recordAudit(
      {
        actor: auditActorOf(p),
        action: 'artifact.added',
        entityType: 'artifact',
        entityId: row!.id,
        after: {
          releaseId,
          platform: input.platform,
          fileName: input.fileName,
          sizeBytes: stored.size,
          sha256: stored.sha256,
          signer: signed?.signer ?? null,
        },
      },
      tx,
    );
    return summary(row!, true);
  });
}

/** Removes an artifact from a draft release (the database refuses it for any other state). */
export async function removeArtifact(p: DmlPrincipal, artifactId: string): Promise<void> {
  assertMayUseLibrary(p);
  assertId(artifactId, 'No such artifact.', 'artifact');
  await getDb().transaction(async (tx) => {
    const artifact = await tx.query.artifacts.findFirst({ where: eq(artifacts.id, artifactId) });
    if (!artifact) throw new NotFoundError('No such artifact.', 'artifact');
    const [release] = await tx.select().from(releases).where(eq(releases.id, artifact.releaseId)).for('update');
    await assertMayManageProduct(p, release!.productId, tx);
    if (release!.status !== 'draft')
      throw new ConflictError(`Artifacts can only be removed from a draft; this release is ${release!.status}.`, 'status');
    await tx.delete(artifacts).where(eq(artifacts.id, artifactId));
    await recordAudit(
      {
        actor: auditActorOf(p),
        action: 'artifact.removed',
        entityType: 'artifact',
        entityId: artifactId,
        before: { releaseId: artifact.releaseId, platform: artifact.platform, sha256: artifact.sha256 },
      },
      tx,
    );
  });
}
