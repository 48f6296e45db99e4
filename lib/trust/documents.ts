import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { artifacts, releaseDocuments, releases, sbomComponents } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { getStorage } from '@/lib/dml';
import { assertMayManageProduct, assertMayUseLibrary, auditActorOf, type DmlPrincipal } from '@/lib/dml/principal';
import { ConflictError, NotFoundError, ValidationError, assertId } from '@/lib/errors';
import { parseProvenance, parseSbom } from './sbom';

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/**
 * Attaches an SBOM or a provenance statement to a draft release: validated, stored in the DML
 * (content-addressed, like an artifact) and recorded with the SBOM's components in one
 * transaction. Once the release is published its documents are fixed like its artifacts.
 * Provenance subjects must match the release's artifacts, digest for digest.
 */
export async function attachReleaseDocument(
  p: DmlPrincipal,
  releaseId: string,
  kind: 'sbom' | 'provenance',
  bytes: Buffer,
): Promise<{ format: string; sha256: string; components: number }> {
  assertMayUseLibrary(p);
  assertId(releaseId, 'No such release.', 'release');
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new ValidationError(`The ${kind} is larger than 5 MB.`, kind);
  const sbom = kind === 'sbom' ? parseSbom(bytes) : null;
  const provenance = kind === 'provenance' ? parseProvenance(bytes) : null;
  const stored = await getStorage().put(
    (async function* () {
      yield new Uint8Array(bytes);
    })(),
  );
  return getDb().transaction(async (tx) => {
    const [release] = await tx.select().from(releases).where(eq(releases.id, releaseId)).for('update');
    if (!release) throw new NotFoundError('No such release.', 'release');
    await assertMayManageProduct(p, release.productId, tx);
    if (release.status !== 'draft')
      throw new ConflictError(`An ${kind} can only be attached to a draft; this release is ${release.status}.`, 'status');
    if (provenance) {
      const built = await tx
        .select({ sha256: artifacts.sha256, platform: artifacts.platform })
        .from(artifacts)
        .where(eq(artifacts.releaseId, releaseId));
      const digests = new Set(built.map((a) => a.sha256));
      const stray = provenance.subjects.find((s) => !digests.has(s.sha256));
      if (stray)
        throw new ValidationError(
          `Provenance refused: digest mismatch — subject ${stray.name || stray.sha256} (${stray.sha256}) is not an artifact of this release.`,
          'provenance',
        );
      const subjects = new Set(provenance.subjects.map((s) => s.sha256));
      const uncovered = built.find((a) => !subjects.has(a.sha256));
      if (uncovered)
        throw new ValidationError(
          `Provenance refused: digest mismatch — the ${uncovered.platform} artifact is not among its subjects.`,
          'provenance',
        );
    }
    await tx.delete(releaseDocuments).where(and(eq(releaseDocuments.releaseId, releaseId), eq(releaseDocuments.kind, kind)));
    await tx.insert(releaseDocuments).values({
      releaseId,
      kind,
      format: sbom?.format ?? 'in-toto',
      sha256: stored.sha256,
      storageKey: stored.key,
      sizeBytes: stored.size,
    });
    if (sbom) {
      await tx.delete(sbomComponents).where(eq(sbomComponents.releaseId, releaseId));
      if (sbom.components.length) await tx.insert(sbomComponents).values(sbom.components.map((c) => ({ ...c, releaseId })));
    }
    await recordAudit(
      {
        actor: auditActorOf(p),
        action: `release.${kind}_attached`,
        entityType: 'release',
        entityId: releaseId,
        after: { format: sbom?.format ?? 'in-toto', sha256: stored.sha256, components: sbom?.components.length ?? 0 },
      },
      tx,
    );
    return { format: sbom?.format ?? 'in-toto', sha256: stored.sha256, components: sbom?.components.length ?? 0 };
  });
}

/** Components and licences of a release's SBOM, for the product and library pages. */
export async function releaseComponents(releaseId: string) {
  return getDb()
    .select({ name: sbomComponents.name, version: sbomComponents.version, purl: sbomComponents.purl, licences: sbomComponents.licences })
    .from(sbomComponents)
    .where(eq(sbomComponents.releaseId, releaseId))
    .orderBy(asc(sbomComponents.name));
}

/** Per release: its documents and the verified signers of its artifacts. */
export async function trustSummary(releaseIds: string[]) {
  if (releaseIds.length === 0)
    return new Map<string, { documents: string[]; signers: { platform: string; signer: string }[]; review: boolean }>();
  const docs = await getDb()
    .select({ releaseId: releaseDocuments.releaseId, kind: releaseDocuments.kind, format: releaseDocuments.format })
    .from(releaseDocuments)
    .where(inArray(releaseDocuments.releaseId, releaseIds));
  const signed = await getDb().execute<{ release_id: string; platform: string; signer: string }>(sql`
    select a.release_id, a.platform, s.signer from artifact_signatures s join artifacts a on a.id = s.artifact_id
    where a.release_id in (${sql.join(
      releaseIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
  const reviews = await getDb().execute<{ release_id: string }>(sql`
    select distinct release_id from release_reviews where release_id in (${sql.join(
      releaseIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
  const out = new Map(
    releaseIds.map((id) => [id, { documents: [] as string[], signers: [] as { platform: string; signer: string }[], review: false }]),
  );
  for (const d of docs) out.get(d.releaseId)?.documents.push(`${d.kind === 'sbom' ? 'SBOM' : 'Provenance'} (${d.format})`);
  for (const s of signed.rows) out.get(s.release_id)?.signers.push({ platform: s.platform, signer: s.signer });
  for (const r of reviews.rows) out.get(r.release_id)!.review = true;
  return out;
}

/** Which releases contain a component (optionally within a semver range). */
export { searchComponents } from './component-search';
