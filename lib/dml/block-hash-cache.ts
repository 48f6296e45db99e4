import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { artifacts } from '@/db/schema';

/** Hex characters kept at most: 32 MiB holds the block hashes of ~512 GiB of artifacts. */
const BUDGET_CHARS = 32 * 1024 * 1024;

const holder = globalThis as unknown as { __portalBlockHashes?: Map<string, string> };
// Insertion order is recency order: a hit is re-inserted at the end, eviction takes the front.
const cache = (holder.__portalBlockHashes ??= new Map<string, string>());
let cachedChars = 0;

/**
 * The per-block SHA-256s of an artifact, from a bounded LRU cache in front of the database.
 * They never change once recorded, and the key includes the artifact's SHA-256, so an entry can
 * never be stale; the column is read only on a miss (a 1 GiB file has 64 KiB of them).
 */
export async function blockHashesOf(artifact: { id: string; sha256: string }): Promise<string> {
  const key = `${artifact.id}:${artifact.sha256}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const [row] = await getDb().select({ blockHashes: artifacts.blockHashes }).from(artifacts).where(eq(artifacts.id, artifact.id));
  if (!row) throw new Error(`Artifact ${artifact.id} vanished while it was being served.`);
  remember(key, row.blockHashes);
  return row.blockHashes;
}

function remember(key: string, hashes: string): void {
  if (hashes.length > BUDGET_CHARS) return;
  cache.set(key, hashes);
  cachedChars += hashes.length;
  for (const [oldest, value] of cache) {
    if (cachedChars <= BUDGET_CHARS) break;
    cache.delete(oldest);
    cachedChars -= value.length;
  }
}

/** Empties the cache (tests that count database reads start from nothing). */
export function clearBlockHashCache(): void {
  cache.clear();
  cachedChars = 0;
}
