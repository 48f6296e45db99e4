import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, link, mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BlockHasher } from './block-hasher';
import { type DmlStorage, HashMismatchError, isSha256, type PutOptions, type StoredObject, TooLargeError } from './storage';

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
        hasher.update(chunk);
        if (options.maxBytes !== undefined && hasher.size > options.maxBytes) throw new TooLargeError(options.maxBytes);
        await file.write(chunk);
      }
      await file.sync();
    } catch (e) {
      await file.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw e;
    }
    await file.close();

    const digest = hasher.finish();
    try {
      if (options.expectedSha256 && options.expectedSha256 !== digest.sha256) {
        throw new HashMismatchError(options.expectedSha256, digest.sha256);
      }
      const target = this.pathFor(digest.sha256);
      await mkdir(path.dirname(target), { recursive: true });
      let created = true;
      try {
        // link() fails if the target exists, so a stored object is never overwritten, even by
        // two uploads of the same bytes racing each other.
        await link(tmp, target);
        await chmod(target, 0o444);
        await syncDir(path.dirname(target));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        created = false;
      }
      return { key: digest.sha256, ...digest, blockSize: hasher.blockSize, created };
    } finally {
      await unlink(tmp).catch(() => {});
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.pathFor(key);
    await stat(file); // Fail with ENOENT here rather than mid-stream.
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async has(key: string): Promise<boolean> {
    return stat(this.pathFor(key)).then(
      () => true,
      () => false,
    );
  }

  async cleanTemporaryFiles(): Promise<number> {
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    await Promise.all(names.map((n) => rm(path.join(this.tmpDir, n), { force: true })));
    return names.length;
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
