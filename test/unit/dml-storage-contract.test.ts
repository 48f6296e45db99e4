import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '@/lib/dml/local-storage';
import { S3Storage } from '@/lib/dml/s3-storage';
import { BLOCK_SIZE, type DmlStorage, HashMismatchError, isStorageUnavailable, TooLargeError } from '@/lib/dml/storage';
import { type IntegrityFailure, openVerifiedStream } from '@/lib/dml/verified-stream';
import { startS3Server, type TestS3Server } from '../support/s3-server';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function* chunks(bytes: Buffer, size = 64 * 1024) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
/** Array.fromAsync is Node 22+. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}
async function drain(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  return Buffer.concat(parts);
}
async function readAll(s: DmlStorage, key: string, range?: { start: number; end: number }) {
  const out: Buffer[] = [];
  for await (const c of await s.read(key, range)) out.push(c as Buffer);
  return Buffer.concat(out);
}

/** A store under test plus what the test needs to see behind its back. */
interface Harness {
  storage: DmlStorage;
  /** Keys of complete objects under the content folder. */
  contentKeys(): Promise<string[]>;
  /** Temporary objects (finished uploads not yet moved). */
  temporary(): Promise<string[]>;
  /** Unfinished multipart uploads, or null when the store cannot tell (no such concept or not listable). */
  unfinishedUploads(): Promise<number | null>;
  /** Overwrites a stored object with other bytes, as disk rot or tampering would. */
  damage(key: string, bytes: Buffer): Promise<void>;
  /** Leaves a temporary object as a killed upload would. */
  leaveTemporary(name: string): Promise<void>;
}

let server: TestS3Server;
const roots: string[] = [];
beforeAll(async () => {
  server = await startS3Server();
}, 30_000);
afterAll(async () => {
  await server?.stop();
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

const factories: Record<string, () => Promise<Harness>> = {
  local: async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'portal-dml-contract-'));
    roots.push(root);
    const storage = new LocalStorage(root);
    return {
      storage,
      contentKeys: async () => (await collect(storage.list())).map((o) => o.key),
      temporary: () => readdir(path.join(root, 'tmp')).catch(() => []),
      unfinishedUploads: async () => null,
      async damage(key, bytes) {
        await chmod(storage.pathFor(key), 0o644);
        await writeFile(storage.pathFor(key), bytes);
      },
      async leaveTemporary(name) {
        await mkdir(path.join(root, 'tmp'), { recursive: true });
        await writeFile(path.join(root, 'tmp', name), Buffer.alloc(4096));
      },
    };
  },
  s3: async () => {
    const prefix = `t${randomBytes(4).toString('hex')}/`;
    const storage = server.storage(prefix);
    const keys = async (under: string) => {
      const r = await storage.client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix + under }));
      return (r.Contents ?? []).map((o) => o.Key!);
    };
    return {
      storage,
      contentKeys: async () => (await keys('objects/')).map((k) => k.slice(k.lastIndexOf('/') + 1)),
      temporary: () => keys('tmp/'),
      async unfinishedUploads() {
        try {
          const r = await storage.client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: prefix }));
          return (r.Uploads ?? []).length;
        } catch (e) {
          if ((e as Error).name === 'NotImplemented') return null;
          throw e;
        }
      },
      async damage(key, bytes) {
        await storage.client.send(new PutObjectCommand({ Bucket: server.bucket, Key: storage.objectKey(key), Body: bytes }));
      },
      async leaveTemporary(name) {
        await storage.client.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}tmp/${name}`, Body: Buffer.alloc(4096) }));
      },
    };
  },
};

describe.each(Object.keys(factories))('DML storage contract: %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await factories[kind]!();
  });

  it('stores by SHA-256 with per-block hashes, reads whole and ranged, and dedupes identical bytes', async () => {
    const bytes = randomBytes(2.5 * MiB);
    const a = await h.storage.put(chunks(bytes));
    expect(a).toMatchObject({ key: sha(bytes), sha256: sha(bytes), size: bytes.length, blockSize: BLOCK_SIZE, created: true });
    expect(a.blockHashes).toHaveLength(Math.ceil(bytes.length / BLOCK_SIZE) * 64);
    expect(a.blockHashes.slice(64, 128)).toBe(sha(bytes.subarray(BLOCK_SIZE, 2 * BLOCK_SIZE)));
    expect(await h.storage.has(a.key)).toBe(true);
    expect(await h.storage.has(sha(Buffer.from('never stored')))).toBe(false);
    expect((await readAll(h.storage, a.key)).equals(bytes)).toBe(true);
    expect(await readAll(h.storage, a.key, { start: 10, end: 19 })).toEqual(bytes.subarray(10, 20));
    expect(await readAll(h.storage, a.key, { start: MiB - 3, end: MiB + 2 })).toEqual(bytes.subarray(MiB - 3, MiB + 3));
    // One byte past the end (how the verified stream detects a longer object) gives what there is.
    expect(await readAll(h.storage, a.key, { start: 2 * MiB, end: bytes.length })).toEqual(bytes.subarray(2 * MiB));

    const again = await h.storage.put(chunks(bytes, 1000));
    expect(again).toMatchObject({ key: a.key, created: false });
    expect((await h.contentKeys()).filter((k) => k === a.key)).toHaveLength(1);
    expect(await h.temporary()).toEqual([]);
    const listed = (await collect(h.storage.list())).find((o) => o.key === a.key);
    expect(listed?.size).toBe(bytes.length);
    expect(listed!.modifiedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('stores an empty object and reads it back', async () => {
    const a = await h.storage.put(chunks(Buffer.alloc(0)));
    expect(a).toMatchObject({ size: 0, created: true, key: sha(Buffer.alloc(0)) });
    expect(await readAll(h.storage, a.key)).toEqual(Buffer.alloc(0));
  });

  it('keeps nothing for a SHA-256 mismatch, an oversized upload or a source that fails half-way', async () => {
    const before = await h.contentKeys();
    const bytes = randomBytes(100);
    await expect(h.storage.put(chunks(bytes), { expectedSha256: 'a'.repeat(64) })).rejects.toBeInstanceOf(HashMismatchError);
    await expect(h.storage.put(chunks(randomBytes(20 * MiB)), { maxBytes: 10 * MiB })).rejects.toBeInstanceOf(TooLargeError);
    // Past one multipart part (8 MiB) before it fails, so S3 has a multipart upload to abort.
    async function* broken() {
      yield* chunks(randomBytes(9 * MiB));
      throw new Error('client went away');
    }
    await expect(h.storage.put(broken())).rejects.toThrow('client went away');
    expect(await h.storage.has(sha(bytes))).toBe(false);
    expect(await h.contentKeys()).toEqual(before);
    expect(await h.temporary()).toEqual([]);
  });

  it('aborts the multipart upload of a failed source (where the store can list them)', async (ctx) => {
    async function* broken() {
      yield* chunks(randomBytes(9 * MiB));
      throw new Error('client went away');
    }
    await expect(h.storage.put(broken())).rejects.toThrow('client went away');
    const unfinished = await h.unfinishedUploads();
    // The local store has no multipart uploads; s3rver cannot list them (NotImplemented).
    if (unfinished === null) ctx.skip();
    expect(unfinished).toBe(0);
  });

  it('replaces a damaged stored object when the same bytes are uploaded again', async () => {
    const bytes = randomBytes(MiB + 17);
    const a = await h.storage.put(chunks(bytes));
    const damaged = Buffer.from(bytes);
    damaged[MiB + 3] = damaged[MiB + 3]! ^ 0xff;
    await h.damage(a.key, damaged);
    expect((await readAll(h.storage, a.key)).equals(bytes)).toBe(false);
    const healed = await h.storage.put(chunks(bytes));
    expect(healed).toMatchObject({ created: true, replacedDamaged: true });
    expect((await readAll(h.storage, a.key)).equals(bytes)).toBe(true);
    // A truncated object is damaged too.
    await h.damage(a.key, bytes.subarray(0, 100));
    expect(await h.storage.put(chunks(bytes))).toMatchObject({ replacedDamaged: true });
    expect(await h.storage.put(chunks(bytes))).toMatchObject({ created: false });
  });

  it('cleans only temporary objects older than the threshold', async () => {
    await h.leaveTemporary('killed-mid-upload');
    expect(await h.storage.cleanTemporaryFiles({ olderThanMinutes: 60 })).toBe(0);
    expect(await h.temporary()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1100)); // S3 times have a one-second resolution.
    expect(await h.storage.cleanTemporaryFiles({ olderThanMinutes: 0 })).toBe(1);
    expect(await h.temporary()).toEqual([]);
  });

  it('reports a missing object as missing, and serves verified ranges through the verified stream', async () => {
    const failures: IntegrityFailure[] = [];
    const onFailure = async (f: IntegrityFailure) => void failures.push(f);
    const absent = { storageKey: sha(Buffer.from('gone')), sizeBytes: 4, blockSize: MiB, blockHashes: sha(Buffer.from('gone')) };
    await expect(openVerifiedStream({ storage: h.storage, object: absent, range: null, onFailure })).rejects.toThrow(/integrity/);
    expect(failures).toMatchObject([{ reason: 'missing', blockIndex: 0 }]);

    const bytes = randomBytes(3 * MiB + 5);
    const a = await h.storage.put(chunks(bytes));
    const object = { storageKey: a.key, sizeBytes: a.size, blockSize: a.blockSize, blockHashes: a.blockHashes };
    const stream = await openVerifiedStream({ storage: h.storage, object, range: { start: MiB - 1, end: 3 * MiB + 1 }, onFailure });
    expect(await drain(stream)).toEqual(bytes.subarray(MiB - 1, 3 * MiB + 2));

    // A longer object than recorded is refused.
    await h.damage(a.key, Buffer.concat([bytes, Buffer.from('x')]));
    await expect(
      openVerifiedStream({ storage: h.storage, object, range: { start: 3 * MiB, end: 3 * MiB + 4 }, onFailure }),
    ).rejects.toThrow(/integrity/);
    expect(failures.at(-1)).toMatchObject({ reason: 'size_mismatch', blockIndex: Math.floor((3 * MiB) / BLOCK_SIZE) });
  });
});

describe('an unreachable S3 store', () => {
  it('answers every call with StorageUnavailableError (503), not a missing object', async () => {
    // A port nothing listens on: bind one, note it, close it.
    const { createServer } = await import('node:net');
    const probe = createServer();
    const port = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as { port: number }).port)));
    await new Promise((r) => probe.close(r));
    const s = new S3Storage({ ...server.config(), endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    const key = sha(Buffer.from('x'));
    for (const call of [() => s.read(key, { start: 0, end: 0 }), () => s.has(key), () => s.put(chunks(Buffer.from('x')))]) {
      const e = await call().then(
        () => null,
        (x: unknown) => x,
      );
      expect(isStorageUnavailable(e), String(e)).toBe(true);
      expect((e as { status: number }).status).toBe(503);
    }
  });
});
