import { and, desc, eq, getTableColumns, gt, isNull, or, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { artifacts, devices, entitlements, releases, type Artifact, type Release } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { hasRole, type Actor } from '@/lib/auth/roles';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import { metrics } from '@/lib/ops/metrics';
import { blockHashesOf } from './block-hash-cache';
import { contentDisposition, decideRange, safeMediaType } from './http-range';
import { getStorage } from './index';
import { IntegrityError, openVerifiedStream, type IntegrityFailure } from './verified-stream';

/** Who is pulling: a signed-in person (browser) naming one of their devices, or a device's agent token. */
export type DownloadPrincipal = { kind: 'user'; actor: Actor; deviceId?: string } | { kind: 'device'; deviceId: string; ownerId: string };

/** An artifact row without its block hashes (they come from a cache, see block-hash-cache.ts). */
export type ServedArtifact = Omit<Artifact, 'blockHashes'>;

export interface DownloadTarget {
  artifact: ServedArtifact;
  release: Release;
}

/** The entitlement a download was allowed by (null when a role allowed it), to record the install against. */
export interface DownloadGrant {
  entitlement: { id: string; requestId: string | null } | null;
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

// 404 or 403: an artifact is only acknowledged to someone who may see it, i.e. a librarian/admin
// or someone holding an active entitlement to its product on this device. Everyone else gets the
// same 404 for an artifact that exists and one that does not (drafts, group-restricted products
// and unknown ids are indistinguishable). Once acknowledged, refusals are 403 with the reason
// (withdrawn, deprecated, version not covered). Checks that depend only on the principal (which
// device) come first, so their answers cannot depend on the artifact either.
const HIDDEN = 'No such artifact, or you have no active entitlement to it on this device.';

/**
 * Decides whether the bytes of `target` may leave the DML for `principal`; throws if not. Pass
 * `undefined` for an artifact that does not exist: the answer is then the same as for one the
 * principal may not see, so callers cannot leak existence by checking it first.
 */
export async function authorizeDownload(
  principal: DownloadPrincipal,
  target: DownloadTarget | undefined,
  db: DbOrTx = getDb(),
): Promise<DownloadGrant> {
  const userId = principal.kind === 'user' ? principal.actor.id : principal.ownerId;
  const privileged = principal.kind === 'user' && hasRole(principal.actor, 'librarian', 'admin');
  const deviceId = principal.deviceId;
  if (deviceId !== undefined) await assertUsableDevice(db, deviceId, userId);
  else if (!privileged) throw new ForbiddenError('A download must name one of your devices (add ?device=<device id>).', 'device');
  if (!target) throw new NotFoundError(HIDDEN, 'artifact');
  const { artifact, release } = target;

  let grant: DownloadGrant = { entitlement: null };
  if (privileged) {
    if (release.status === 'withdrawn') throw withdrawn(release);
  } else {
    const held = await activeEntitlements(db, userId, deviceId!, release.productId);
    if (held.length === 0 || release.status === 'draft') throw new NotFoundError(HIDDEN, 'artifact');
    if (release.status === 'withdrawn') throw withdrawn(release);
    const used = held.find((e) => e.releaseId === release.id) ?? held.find((e) => coversLater(e, release));
    if (!used) {
      throw new ForbiddenError(
        release.status === 'deprecated'
          ? `Version ${release.version} is deprecated: only an entitlement to exactly this version can download it.`
          : `Your entitlement to this product does not cover version ${release.version} on this device.`,
        'artifact',
      );
    }
    grant = { entitlement: { id: used.id, requestId: used.requestId } };
  }
  if (artifact.status !== 'ok') throw new IntegrityError();
  return grant;
}

const withdrawn = (r: Release) => new ForbiddenError(`Version ${r.version} was withdrawn and can never be downloaded again.`, 'artifact');

/** A later *published* release (never a deprecated one) at or after the entitled release. */
function coversLater(e: { releaseId: string | null; includesLaterReleases: boolean; entitledAt: Date | null }, release: Release): boolean {
  if (!e.includesLaterReleases || release.status !== 'published') return false;
  if (e.releaseId === null) return true;
  return e.entitledAt !== null && release.publishedAt !== null && release.publishedAt >= e.entitledAt;
}

async function assertUsableDevice(db: DbOrTx, deviceId: string, userId: string): Promise<void> {
  const device = isUuid(deviceId) ? await db.query.devices.findFirst({ where: eq(devices.id, deviceId) }) : undefined;
  // Someone else's device is answered like a missing one: device ids are not to be probed either.
  if (!device || device.ownerId !== userId) throw new NotFoundError('No such device of yours.', 'device');
  if (device.status === 'retired' || device.status === 'revoked') {
    throw new ForbiddenError(`This device is ${device.status}; nothing can be downloaded for it.`, 'device');
  }
}

/** Active, unexpired entitlements of this user and device to the product, newest first. */
function activeEntitlements(db: DbOrTx, userId: string, deviceId: string, productId: string) {
  return db
    .select({
      id: entitlements.id,
      requestId: entitlements.requestId,
      releaseId: entitlements.releaseId,
      includesLaterReleases: entitlements.includesLaterReleases,
      entitledAt: releases.publishedAt,
    })
    .from(entitlements)
    .leftJoin(releases, eq(releases.id, entitlements.releaseId))
    .where(
      and(
        eq(entitlements.userId, userId),
        eq(entitlements.deviceId, deviceId),
        eq(entitlements.productId, productId),
        eq(entitlements.status, 'active'),
        or(isNull(entitlements.expiresAt), gt(entitlements.expiresAt, sql`now()`)),
      ),
    )
    .orderBy(desc(entitlements.createdAt));
}

export interface DownloadRequest {
  method: 'GET' | 'HEAD';
  range?: string | null;
  ifRange?: string | null;
}

export interface DownloadResponse {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** Verified bytes for a GET 200/206; null for HEAD and 416. */
  body: ReadableStream<Uint8Array> | null;
  grant: DownloadGrant;
}

const { blockHashes: _notServed, ...servedColumns } = getTableColumns(artifacts);

/**
 * Authorises and opens a download: the response status, headers and a verified body stream. For
 * a GET the first block is verified before this returns (see openVerifiedStream).
 */
export async function openDownload(principal: DownloadPrincipal, artifactId: string, req: DownloadRequest): Promise<DownloadResponse> {
  const db = getDb();
  const [target] = isUuid(artifactId)
    ? await db
        .select({ artifact: servedColumns, release: releases })
        .from(artifacts)
        .innerJoin(releases, eq(releases.id, artifacts.releaseId))
        .where(eq(artifacts.id, artifactId))
    : [];
  const grant = await authorizeDownload(principal, target, db);
  const { artifact } = target!;
  const size = artifact.sizeBytes;
  const etag = `"${artifact.sha256}"`;
  const digest = Buffer.from(artifact.sha256, 'hex').toString('base64');
  const headers: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    ETag: etag,
    // Depends on who asks, so nothing may store it; no-transform keeps proxies (and Next's own
    // compression) from re-encoding bytes whose length and hash the client checks.
    'Cache-Control': 'private, no-store, no-transform',
    'Content-Type': safeMediaType(artifact.mediaType),
    'Content-Disposition': contentDisposition(artifact.fileName),
    'X-Content-Type-Options': 'nosniff',
    // Digest of the whole representation (RFC 9530), also on a 206; plus the older RFC 3230 form.
    'Repr-Digest': `sha-256=:${digest}:`,
    Digest: `sha-256=${digest}`,
  };

  // Range is defined for GET only (RFC 9110 §14.2): a HEAD describes the full response.
  const decision = req.method === 'GET' ? decideRange(req.range ?? null, size, req.ifRange ?? null, etag) : ({ kind: 'full' } as const);
  if (decision.kind === 'unsatisfiable') {
    return { status: 416, headers: { 'Content-Range': `bytes */${size}`, 'Cache-Control': headers['Cache-Control']! }, body: null, grant };
  }
  const range = decision.kind === 'partial' ? decision.range : null;
  headers['Content-Length'] = String(range ? range.end - range.start + 1 : size);
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  const status = range ? 206 : 200;
  if (req.method === 'HEAD') return { status, headers, body: null, grant };

  const body = await openVerifiedStream({
    storage: getStorage(),
    object: { ...artifact, blockHashes: await blockHashesOf(artifact) },
    range,
    onFailure: (f) => {
      metrics().integrityFailures.inc();
      return recordIntegrityFailure(artifact, f);
    },
  });
  return { status, headers, body, grant };
}

/**
 * Marks the artifact corrupt and audits it, once: the conditional update lets exactly one of any
 * number of concurrent failing downloads record it. Only `status` changes, which the immutability
 * trigger allows for a published artifact.
 */
export async function recordIntegrityFailure(artifact: Pick<Artifact, 'id' | 'sha256' | 'sizeBytes'>, f: IntegrityFailure): Promise<void> {
  await getDb().transaction(async (tx) => {
    const [marked] = await tx
      .update(artifacts)
      .set({ status: 'corrupt' })
      .where(and(eq(artifacts.id, artifact.id), eq(artifacts.status, 'ok')))
      .returning({ id: artifacts.id });
    if (!marked) return;
    await recordAudit(
      {
        actor: { kind: 'system' },
        action: 'artifact.integrity_failed',
        entityType: 'artifact',
        entityId: artifact.id,
        before: { status: 'ok' },
        after: { status: 'corrupt', sha256: artifact.sha256, sizeBytes: artifact.sizeBytes, ...f },
      },
      tx,
    );
  });
}
