import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { artifacts, releases, type Platform, type Product, type Release, type ReleaseStatus } from '@/db/schema';
import { ingestArtifact } from '@/lib/dml/ingest';
import { attachReleaseDocument } from '@/lib/trust/documents';
import { assertMayManageProduct, type DmlPrincipal } from '@/lib/dml/principal';
import { createRelease, findProductBySlug, publishRelease } from '@/lib/dml/releases';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { artifactHeaders, parseInput, publishBody, releaseBody, versionParam, type ArtifactHeaders } from './schema';

/**
 * The pipeline API's operations. Each is idempotent: a CI step that is retried (after a timeout,
 * a lost response, a re-run job) gets the same answer as the first time instead of a duplicate or
 * an error, while a retry that would change what is already there is refused with 409.
 */

export interface PipelineRelease {
  id: string;
  product: string;
  version: string;
  status: ReleaseStatus;
  notes: string;
  changeRef: string | null;
  publishedAt: Date | null;
}

export interface PipelineArtifact {
  id: string;
  product: string;
  version: string;
  platform: Platform;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
}

type ReleaseFields = Pick<Release, 'id' | 'version' | 'status' | 'notes' | 'changeRef' | 'publishedAt'>;
const releaseView = (r: ReleaseFields, product: string): PipelineRelease => ({
  id: r.id,
  product,
  version: r.version,
  status: r.status,
  notes: r.notes,
  changeRef: r.changeRef,
  publishedAt: r.publishedAt,
});

type ArtifactFields = { id: string; platform: Platform; fileName: string; mediaType: string; sizeBytes: number; sha256: string };
const artifactView = (a: ArtifactFields, product: string, version: string): PipelineArtifact => ({
  id: a.id,
  product,
  version,
  platform: a.platform,
  fileName: a.fileName,
  mediaType: a.mediaType,
  size: a.sizeBytes,
  sha256: a.sha256,
});

/** The product, once the principal is known to be allowed to publish it (404 first, then 403). */
async function scopedProduct(p: DmlPrincipal, slug: string): Promise<Product> {
  const product = await findProductBySlug(slug);
  await assertMayManageProduct(p, product.id, getDb());
  return product;
}

const findRelease = (productId: string, version: string) =>
  getDb().query.releases.findFirst({ where: and(eq(releases.productId, productId), eq(releases.version, version)) });

async function requireRelease(product: Product, version: string): Promise<Release> {
  const release = await findRelease(product.id, version);
  if (!release) throw new NotFoundError(`${product.name} has no release ${version}; create it first.`, 'version');
  return release;
}

/** Creates a draft release, or returns the existing one with that version as it is. */
export async function ensureRelease(
  p: DmlPrincipal,
  slug: string,
  input: { version: string; notes?: string },
): Promise<{ release: PipelineRelease; created: boolean }> {
  const data = parseInput(releaseBody, input);
  const product = await scopedProduct(p, slug);
  const existing = await findRelease(product.id, data.version);
  if (existing) return { release: releaseView(existing, slug), created: false };
  try {
    return { release: releaseView(await createRelease(p, product.id, data), slug), created: true };
  } catch (e) {
    // Two copies of the step racing: the one that lost the insert reports the winner's release.
    const winner = e instanceof ConflictError ? await findRelease(product.id, data.version) : undefined;
    if (winner) return { release: releaseView(winner, slug), created: false };
    throw e;
  }
}

/**
 * Streams an artifact into a draft release, verifying it against the SHA-256 the pipeline sent.
 * The same file again is `created: false`. A different file for a platform that already has one is
 * refused before the body is read. Once the release is published its artifacts are fixed, so a
 * retry naming the very hash already stored is answered from the database without re-reading.
 */
export async function putArtifact(
  p: DmlPrincipal,
  slug: string,
  version: string,
  input: ArtifactHeaders,
  body: AsyncIterable<Uint8Array>,
): Promise<{ artifact: PipelineArtifact; created: boolean }> {
  const v = parseInput(versionParam, { version }).version;
  const data = parseInput(artifactHeaders, input);
  const product = await scopedProduct(p, slug);
  const release = await requireRelease(product, v);

  const existing = await getDb().query.artifacts.findFirst({
    where: and(eq(artifacts.releaseId, release.id), eq(artifacts.platform, data.platform)),
  });
  if (existing && (existing.sha256 !== data.sha256 || existing.fileName !== data.fileName)) {
    throw new ConflictError(
      `Release ${v} already has a ${data.platform} artifact (${existing.fileName}, SHA-256 ${existing.sha256}); ` +
        'publish the new build as a new version.',
      'platform',
    );
  }
  if (existing && release.status !== 'draft') return { artifact: artifactView(existing, slug, v), created: false };

  const stored = await ingestArtifact(
    p,
    release.id,
    { platform: data.platform, fileName: data.fileName, mediaType: data.mediaType, expectedSha256: data.sha256, signature: data.signature },
    body,
  );
  return { artifact: artifactView(stored, slug, v), created: stored.created };
}

/** Publishes a draft. Already published with the same change reference is success, not an error. */
export async function publish(
  p: DmlPrincipal,
  slug: string,
  version: string,
  input: { changeRef?: string } = {},
): Promise<{ release: PipelineRelease; published: boolean }> {
  const v = parseInput(versionParam, { version }).version;
  const data = parseInput(publishBody, input);
  const product = await scopedProduct(p, slug);
  const release = await requireRelease(product, v);
  const alreadyDone = (r: Release) => r.status === 'published' && r.changeRef === (data.changeRef ?? null);

  if (alreadyDone(release)) return { release: releaseView(release, slug), published: false };
  if (release.status === 'published') {
    const ref = release.changeRef ? `change reference ${release.changeRef}` : 'no change reference';
    throw new ConflictError(`Release ${v} is already published with ${ref}.`, 'changeRef');
  }
  if (release.status !== 'draft') throw new ConflictError(`Release ${v} is ${release.status}; only a draft can be published.`, 'status');
  try {
    return { release: releaseView(await publishRelease(p, release.id, data), slug), published: true };
  } catch (e) {
    const now = e instanceof ConflictError ? await findRelease(product.id, v) : undefined;
    if (now && alreadyDone(now)) return { release: releaseView(now, slug), published: false };
    throw e;
  }
}

/** Attaches the SBOM or provenance statement of a draft release (replacing an earlier one while a draft). */
export async function putReleaseDocument(p: DmlPrincipal, slug: string, version: string, kind: 'sbom' | 'provenance', bytes: Buffer) {
  const v = parseInput(versionParam, { version }).version;
  const product = await scopedProduct(p, slug);
  const release = await requireRelease(product, v);
  return attachReleaseDocument(p, release.id, kind, bytes);
}
