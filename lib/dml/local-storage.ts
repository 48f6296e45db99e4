import { randomUUID, webcrypto } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BlockHasher } from './block-hasher';
import {
  type DmlStorage,
  HashMismatchError,
  isSha256,
  type ListedObject,
  type PutOptions,
  StorageUnavailableError,
  type StoredObject,
  TooLargeError,
} from './storage';

// Errors that mean the disk (often a network mount) cannot be reached, not that the file is absent.
const UNREACHABLE = new Set(['EIO', 'ENOTCONN', 'ESTALE', 'ETIMEDOUT', 'EHOSTDOWN', 'EHOSTUNREACH']);

/**
 * Content-addressed store in a local folder: objects/ab/cd/<sha256>, written to tmp/ first,
 * fsynced, then linked into place (which cannot replace an existing object) and made read-only.
 */
export class LocalStorage implements DmlStorage {
  private readonly tmpDir: string;
  private readonly objectsDir: string;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
    this.objectsDir = path.join(root, 'objects');
  }

  pathFor(key: string): string {
    // Keys are computed hashes, never user input; still, refuse anything that is not one.
    if (!isSha256(key)) throw new Error(`Not a storage key: ${key.slice(0, 80)}`);
    return path.join(this.objectsDir, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(source: AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StoredObject> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    const hasher = new BlockHasher();
    const file = await open(tmp, 'wx', 0o600);
    try {
      for await (const chunk of source) {
        if (options.maxBytes !== undefined && hasher.size + chunk.length > options.maxBytes) throw new TooLargeError(options.maxBytes);
        // The write runs on the thread pool while this thread hashes the same bytes: no copy,
        // and disk and hashing overlap instead of taking turns.
        const written = file.write(chunk);
        await Promise.all([written, hasher.update(chunk)]);
      }
      await file.sync();
    } catch (e) {
      await file.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw e;
    }
    await file.close();

    try {
      const digest = await hasher.finish();
      if (options.expectedSha256 && options.expectedSha256 !== digest.sha256) {
        throw new HashMismatchError(options.expectedSha256, digest.sha256);
      }
      const stored = { key: digest.sha256, ...digest, blockSize: hasher.blockSize };
      const target = this.pathFor(digest.sha256);
      await mkdir(path.dirname(target), { recursive: true });
      await chmod(tmp, 0o444);
      try {
        // link() fails if the target exists, so a stored object is never overwritten, even by
        // two uploads of the same bytes racing each other.
        await link(tmp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        // Dedupe only onto bytes that are what they claim: a tampered or damaged object is
        // replaced by these verified ones. rename() swaps it atomically (readers see the old
        // file or the new one, never part of either).
        if (await holdsBlocks(target, stored)) return { ...stored, created: false };
        await rename(tmp, target);
        await syncDir(path.dirname(target));
        return { ...stored, created: true, replacedDamaged: true };
      }
      await syncDir(path.dirname(target));
      return { ...stored, created: true };
    } finally {
      await unlink(tmp).catch(() => {});
    }
  }

  async remove(key: string): Promise<void> {
    const target = this.pathFor(key);
    await rm(target, { force: true });
    await syncDir(path.dirname(target)).catch(() => {});
  }

  async read(key: string, range?: { start: number; end: number }, options: { chunkBytes?: number } = {}): Promise<Readable> {
    // Opened here, so a missing file fails now (ENOENT) rather than mid-stream; one call, no stat.
    const handle = await open(this.pathFor(key), 'r').catch((e: NodeJS.ErrnoException) => {
      throw UNREACHABLE.has(e.code ?? '') ? new StorageUnavailableError(e) : e;
    });
    return handle.createReadStream({ ...(range ? { start: range.start, end: range.end } : {}), highWaterMark: options.chunkBytes });
  }

  async has(key: string): Promise<boolean> {
    return stat(this.pathFor(key)).then(
      () => true,
      () => false,
    );
  }

  async cleanTemporaryFiles({ olderThanMinutes = 0 } = {}): Promise<number> {
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    const cutoff = Date.now() - olderThanMinutes * 60_000;
    const removed = await Promise.all(
      names.map(async (n) => {
        const file = path.join(this.tmpDir, n);
        const info = await stat(file).catch(() => null);
        // An upload still being written by this or another instance is younger than the cutoff.
        if (!info || info.mtimeMs > cutoff) return 0;
        await rm(file, { force: true });
        return 1;
      }),
    );
    return removed.reduce<number>((a, b) => a + b, 0);
  }

  async *list(): AsyncIterable<ListedObject> {
    for (const a of await readdir(this.objectsDir).catch(() => [] as string[])) {
      for (const b of await readdir(path.join(this.objectsDir, a)).catch(() => [] as string[])) {
        for (const key of await readdir(path.join(this.objectsDir, a, b)).catch(() => [] as string[])) {
          if (!isSha256(key)) continue;
          const info = await stat(path.join(this.objectsDir, a, b, key)).catch(() => null);
          if (info?.isFile()) yield { key, size: info.size, modifiedAt: info.mtime };
        }
      }
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Whether the file holds exactly these bytes: its size, then every block's SHA-256 (on the
 * thread pool, a few blocks at once). Equal block hashes and size mean equal content.
 */
async function holdsBlocks(file: string, o: { size: number; blockSize: number; blockHashes: string }): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return false;
  try {
    if ((await handle.stat()).size !== o.size) return false;
    const blocks = Math.max(1, Math.ceil(o.size / o.blockSize));
    const PARALLEL = 4;
    for (let first = 0; first < blocks; first += PARALLEL) {
      const batch = [];
      for (let i = first; i < Math.min(blocks, first + PARALLEL); i++) {
        const length = Math.min(o.blockSize, o.size - i * o.blockSize);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, i * o.blockSize);
        if (bytesRead !== length) return false;
        batch.push(
          webcrypto.subtle
            .digest('SHA-256', buffer)
            .then((d) => Buffer.from(d).toString('hex') === o.blockHashes.slice(i * 64, i * 64 + 64)),
        );
      }
      if (!(await Promise.all(batch)).every(Boolean)) return false;
    }
    return true;
  } finally {
    await handle.close();
  }
}
