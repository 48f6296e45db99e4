import { asc, gt, isNotNull } from 'drizzle-orm';
import { getDb } from '@/db';
import { artifacts, products, productScreenshots, releaseDocuments } from '@/db/schema';
import { BlockHasher } from './block-hasher';
import { recordIntegrityFailure } from './download';
import type { DmlStorage, ListedObject } from './storage';
import type { IntegrityFailure } from './verified-stream';

export interface ScrubResult {
  checked: number;
  bytes: number;
  corrupt: { artifactId: string; failure: IntegrityFailure }[];
}

type ScrubbedRow = Pick<typeof artifacts.$inferSelect, 'id' | 'sha256' | 'sizeBytes' | 'storageKey' | 'blockSize' | 'blockHashes'>;

/**
 * Re-reads every artifact's stored object and checks it against its recorded size, SHA-256 and
 * block hashes; a damaged or missing one is marked corrupt and audited (once, however often the
 * scrub runs). A store that cannot be reached stops the scrub: that is not corruption.
 */
export async function scrubArtifacts(storage: DmlStorage, onProgress: (done: number, row: ScrubbedRow, ok: boolean) => void = () => {}) {
  const result: ScrubResult = { checked: 0, bytes: 0, corrupt: [] };
  const PAGE = 200;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // Paged by id, so a large library never sits in memory (block hashes are 64 bytes a MiB).
    const rows = await getDb()
      .select({
        id: artifacts.id,
        sha256: artifacts.sha256,
        sizeBytes: artifacts.sizeBytes,
        storageKey: artifacts.storageKey,
        blockSize: artifacts.blockSize,
        blockHashes: artifacts.blockHashes,
      })
      .from(artifacts)
      .where(gt(artifacts.id, after))
      .orderBy(asc(artifacts.id))
      .limit(PAGE);
    for (const row of rows) {
      const failure = await check(storage, row);
      result.checked++;
      result.bytes += row.sizeBytes;
      if (failure) {
        result.corrupt.push({ artifactId: row.id, failure });
        await recordIntegrityFailure(row, failure);
      }
      onProgress(result.checked, row, !failure);
    }
    if (rows.length < PAGE) return result;
    after = rows.at(-1)!.id;
  }
}

/** The first way the stored bytes differ from the record, or null when they match. */
async function check(storage: DmlStorage, row: ScrubbedRow): Promise<IntegrityFailure | null> {
  const expected = (i: number) => row.blockHashes.slice(i * 64, i * 64 + 64);
  let source;
  try {
    source = await storage.read(row.storageKey, undefined, { chunkBytes: row.blockSize });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return { reason: 'missing', blockIndex: 0, expectedBlockHash: expected(0), actualBlockHash: null };
  }
  const hasher = new BlockHasher(row.blockSize);
  for await (const chunk of source) await hasher.update(chunk as Buffer);
  const digest = await hasher.finish();
  const blocks = Math.max(1, Math.ceil(row.sizeBytes / row.blockSize));
  for (let i = 0; i < blocks; i++) {
    const actual = digest.blockHashes.slice(i * 64, i * 64 + 64);
    if (actual !== expected(i)) {
      const reason = digest.size !== row.sizeBytes ? 'size_mismatch' : 'block_hash_mismatch';
      return { reason, blockIndex: i, expectedBlockHash: expected(i), actualBlockHash: actual || null };
    }
  }
  if (digest.size !== row.sizeBytes || digest.sha256 !== row.sha256) {
    return { reason: 'size_mismatch', blockIndex: blocks - 1, expectedBlockHash: expected(blocks - 1), actualBlockHash: null };
  }
  return null;
}

export interface GcResult {
  scanned: number;
  /** Unreferenced objects older than the grace period: removed with `remove`, else only listed. */
  unreferenced: ListedObject[];
  removed: number;
}

/**
 * Finds stored objects that no artifact, product icon or screenshot refers to and that are older than the
 * grace period (an upload in progress stores its object before its row commits), and removes them
 * only when `remove` is set.
 */
export async function collectGarbage(storage: DmlStorage, options: { graceHours?: number; remove?: boolean; now?: Date } = {}) {
  const { graceHours = 24, remove = false, now = new Date() } = options;
  const cutoff = now.getTime() - graceHours * 3_600_000;
  const referenced = await referencedKeys();
  const result: GcResult = { scanned: 0, unreferenced: [], removed: 0 };
  for await (const o of storage.list()) {
    result.scanned++;
    if (referenced.has(o.key) || o.modifiedAt.getTime() > cutoff) continue;
    result.unreferenced.push(o);
  }
  if (remove) {
    // Looked up again just before deleting: a release published meanwhile may now use an object.
    const stillReferenced = await referencedKeys();
    for (const o of result.unreferenced) {
      if (stillReferenced.has(o.key)) continue;
      await storage.remove(o.key);
      result.removed++;
    }
  }
  return result;
}

async function referencedKeys(): Promise<Set<string>> {
  const db = getDb();
  const [artifactKeys, iconKeys, documentKeys, screenshotKeys] = await Promise.all([
    db.selectDistinct({ key: artifacts.storageKey }).from(artifacts),
    db.selectDistinct({ key: products.iconKey }).from(products).where(isNotNull(products.iconKey)),
    // SBOMs and provenance statements are stored in the DML too, and so are screenshots.
    db.selectDistinct({ key: releaseDocuments.storageKey }).from(releaseDocuments),
    db.selectDistinct({ key: productScreenshots.storageKey }).from(productScreenshots),
  ]);
  return new Set([...artifactKeys, ...iconKeys, ...documentKeys, ...screenshotKeys].map((r) => r.key!));
}
