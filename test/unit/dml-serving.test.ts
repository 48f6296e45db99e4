import { randomBytes } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { chmod, open, readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { Pool } from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifacts, products } from '@/db/schema';
import { getStorage, setStorage } from '@/lib/dml';
import { openDownload, type DownloadPrincipal } from '@/lib/dml/download';
import { ingestArtifact } from '@/lib/dml/ingest';
import { LocalStorage } from '@/lib/dml/local-storage';
import { BLOCK_SIZE } from '@/lib/dml/storage';
import type { DmlPrincipal } from '@/lib/dml/principal';
import { createRelease, publishRelease } from '@/lib/dml/releases';
import { artifactInput, releaseInput } from '@/lib/dml/schema';
import { ConflictError } from '@/lib/errors';
import { actor } from '../support/actors';
import { sha256 } from '../support/bytes';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const MiB = 1024 * 1024;
/** The verification block of new artifacts: what a Range request reads at least. */
const BLOCK = BLOCK_SIZE;
let librarian: DmlPrincipal & DownloadPrincipal;
let gitId: string;
let versions = 0;

async function* body(bytes: Buffer, onHalfway?: () => Promise<void>) {
  const half = Math.floor(bytes.length / 2);
  yield bytes.subarray(0, half);
  await onHalfway?.();
  yield bytes.subarray(half);
}
const draft = () => createRelease(librarian, gitId, releaseInput.parse({ version: `7.${++versions}.0` }));
const input = (platform = 'linux-x64') => artifactInput.parse({ platform, fileName: `git-${platform}.tar.gz` });
const store = () => getStorage() as LocalStorage;

/** Every byte of a download, or the error that cut it short. */
async function readAll(stream: ReadableStream<Uint8Array> | null) {
  const parts: Uint8Array[] = [];
  try {
    const reader = stream!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    return { bytes: Buffer.concat(parts) };
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}

/** The real folder store, recording which byte ranges are read and the streams it hands out. */
class WatchedStorage extends LocalStorage {
  reads: { start: number; end: number }[] = [];
  streams: ReadStream[] = [];
  override async read(key: string, range?: { start: number; end: number }) {
    const stream = (await super.read(key, range)) as ReadStream;
    this.reads.push(range ?? { start: 0, end: Infinity });
    this.streams.push(stream);
    return stream;
  }
}
async function watching<T>(fn: (s: WatchedStorage) => Promise<T>): Promise<T> {
  const real = store();
  const watched = new WatchedStorage(real.root);
  setStorage(watched);
  try {
    return await fn(watched);
  } finally {
    setStorage(real);
  }
}

beforeAll(async () => {
  librarian = { kind: 'user', actor: await actor('librarian@example.com') };
  gitId = (await db().query.products.findFirst({ where: eq(products.slug, 'git') }))!.id;
});

describe(`a damaged stored object is healed by the same bytes uploaded again (${engine})`, () => {
  it('re-publishing the genuine bytes after the stored file was tampered with serves the right bytes', async () => {
    const bytes = randomBytes(2 * MiB + 333);
    const first = await draft();
    const original = await ingestArtifact(librarian, first.id, input(), body(bytes));
    await publishRelease(librarian, first.id, { changeRef: 'CHG-1' });

    const file = store().pathFor(original.sha256);
    await chmod(file, 0o644);
    const h = await open(file, 'r+');
    await h.write(Buffer.from('tampered'), 0, 8, MiB + 100);
    await h.close();
    await chmod(file, 0o444);

    const second = await draft();
    const again = await ingestArtifact(librarian, second.id, input(), body(bytes));
    expect(again.sha256).toBe(original.sha256);
    await publishRelease(librarian, second.id, { changeRef: 'CHG-2' });

    const r = await openDownload(librarian, again.id, { method: 'GET' });
    const got = await readAll(r.body);
    expect(got.error).toBeUndefined();
    expect(got.bytes.equals(bytes)).toBe(true);
    // The object itself holds the genuine bytes again, so the first artifact is served as well.
    expect(sha256(await readFile(file))).toBe(original.sha256);
    expect((await readAll((await openDownload(librarian, original.id, { method: 'GET' })).body)).bytes.equals(bytes)).toBe(true);
  });

  it('reuses an intact object without rewriting it', async () => {
    const bytes = randomBytes(MiB + 1);
    const a = await ingestArtifact(librarian, (await draft()).id, input(), body(bytes));
    const inode = (await open(store().pathFor(a.sha256), 'r').then(async (h) => (await h.stat()).ino + (await h.close(), 0))) as number;
    const b = await store().put(body(bytes));
    expect(b).toMatchObject({ key: a.sha256, created: false });
    expect(b.replacedDamaged).toBeUndefined();
    const after = await open(store().pathFor(a.sha256), 'r');
    expect((await after.stat()).ino).toBe(inode);
    await after.close();
  });
});

describe(`refused uploads leave no orphan object (${engine})`, () => {
  it('removes the new bytes when the platform already has other content', async () => {
    const release = await draft();
    await ingestArtifact(librarian, release.id, input(), body(randomBytes(1000)));
    const other = randomBytes(MiB + 10);
    await expect(ingestArtifact(librarian, release.id, input(), body(other))).rejects.toMatchObject({ field: 'platform' });
    expect(await store().has(sha256(other))).toBe(false);
  });

  it('removes the new bytes when the release was published while they were arriving', async () => {
    const release = await draft();
    await ingestArtifact(librarian, release.id, input('windows-x64'), body(randomBytes(100)));
    const late = randomBytes(300_000);
    const refused = ingestArtifact(
      librarian,
      release.id,
      input(),
      body(late, async () => void (await publishRelease(librarian, release.id, { changeRef: 'CHG-3' }))),
    );
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ field: 'status' });
    expect(await store().has(sha256(late))).toBe(false);
  });

  it('keeps bytes that were already stored and belong to another artifact', async () => {
    const shared = randomBytes(5000);
    await ingestArtifact(librarian, (await draft()).id, input(), body(shared));
    const release = await draft();
    await ingestArtifact(librarian, release.id, input(), body(randomBytes(10)));
    await expect(ingestArtifact(librarian, release.id, input(), body(shared))).rejects.toMatchObject({ field: 'platform' });
    expect(await store().has(sha256(shared))).toBe(true);
  });
});

describe(`serving reads only what it needs and lets go of it (${engine})`, () => {
  let id: string;
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = randomBytes(8 * MiB + 99);
    const release = await draft();
    id = (await ingestArtifact(librarian, release.id, input(), body(bytes))).id;
  });

  it('answers a 100-byte Range by reading the one block that holds it', async () => {
    await watching(async (s) => {
      const r = await openDownload(librarian, id, { method: 'GET', range: `bytes=${5 * BLOCK + 10}-${5 * BLOCK + 109}` });
      const got = await readAll(r.body);
      expect(r.status).toBe(206);
      expect(got.bytes.equals(bytes.subarray(5 * BLOCK + 10, 5 * BLOCK + 110))).toBe(true);
      expect(s.reads).toEqual([{ start: 5 * BLOCK, end: 6 * BLOCK - 1 }]);
      expect(s.streams[0]!.bytesRead).toBe(BLOCK);
    });
  });

  it('still refuses a tampered block inside a Range, sending none of it', async () => {
    const [row] = await db().select().from(artifacts).where(eq(artifacts.id, id));
    const file = store().pathFor(row!.storageKey);
    await chmod(file, 0o644);
    const h = await open(file, 'r+');
    await h.write(Buffer.from([bytes[7 * BLOCK + 5]! ^ 0xff]), 0, 1, 7 * BLOCK + 5);
    await h.close();
    // Blocks before the damage are still served by Range; the damaged block is not.
    const fine = await openDownload(librarian, id, { method: 'GET', range: `bytes=0-99` });
    expect((await readAll(fine.body)).bytes.equals(bytes.subarray(0, 100))).toBe(true);
    await expect(openDownload(librarian, id, { method: 'GET', range: `bytes=${7 * BLOCK}-${7 * BLOCK + 10}` })).rejects.toMatchObject({
      status: 500,
    });
    await h.close().catch(() => {});
  });

  it('a client that goes away mid-download closes the file and holds no database connection', async () => {
    const fresh = randomBytes(6 * MiB);
    const ok = (await ingestArtifact(librarian, (await draft()).id, input('windows-x64'), body(fresh))).id;
    await watching(async (s) => {
      const r = await openDownload(librarian, ok, { method: 'GET' });
      const reader = r.body!.getReader();
      expect((await reader.read()).value!.length).toBeGreaterThan(0);
      await reader.cancel();
      const stream = s.streams[0]!;
      if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()));
      expect(stream.destroyed).toBe(true);
      expect(stream.bytesRead).toBeLessThanOrEqual(3 * MiB);
    });
    if (engine === 'postgres') {
      const pool = (db() as unknown as { $client: Pool }).$client;
      expect(pool.totalCount - pool.idleCount).toBe(0);
    }
  });
});
