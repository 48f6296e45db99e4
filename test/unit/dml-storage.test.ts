import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '@/lib/dml/local-storage';
import { BLOCK_SIZE, HashMismatchError, TooLargeError } from '@/lib/dml/storage';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));
async function store() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'portal-dml-'));
  roots.push(root);
  return new LocalStorage(root);
}
async function* chunks(...parts: Buffer[]) {
  for (const p of parts) yield p;
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function readAll(s: LocalStorage, key: string, range?: { start: number; end: number }) {
  const out: Buffer[] = [];
  for await (const c of await s.read(key, range)) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('local DML storage', () => {
  it('stores by SHA-256, read-only, once for identical bytes, with per-block hashes', async () => {
    const s = await store();
    const bytes = Buffer.alloc(2.5 * 1024 * 1024, 7);
    const a = await s.put(chunks(bytes.subarray(0, 1000), bytes.subarray(1000)));
    expect(a).toMatchObject({ key: sha(bytes), sha256: sha(bytes), size: bytes.length, created: true });
    expect(a.blockHashes).toHaveLength(Math.ceil(a.size / BLOCK_SIZE) * 64);
    expect(a.blockHashes.slice(0, 64)).toBe(sha(bytes.subarray(0, BLOCK_SIZE)));
    const last = Math.floor((a.size - 1) / BLOCK_SIZE);
    expect(a.blockHashes.slice(last * 64)).toBe(sha(bytes.subarray(last * BLOCK_SIZE)));
    const file = s.pathFor(a.key);
    expect((await stat(file)).mode & 0o222).toBe(0);
    expect(sha(await readFile(file))).toBe(a.sha256);

    const again = await s.put(chunks(bytes));
    expect(again.created).toBe(false);
    expect(await readAll(s, a.key, { start: 10, end: 19 })).toEqual(bytes.subarray(10, 20));
  });

  it('rejects bytes that do not match the expected hash and leaves nothing behind', async () => {
    const s = await store();
    const bytes = Buffer.from('hello');
    await expect(s.put(chunks(bytes), { expectedSha256: 'a'.repeat(64) })).rejects.toBeInstanceOf(HashMismatchError);
    expect(await s.has(sha(bytes))).toBe(false);
    expect(await readdir(path.join(s.root, 'tmp'))).toEqual([]);
  });

  it('stops an oversized upload and an upload whose source fails half-way, keeping nothing', async () => {
    const s = await store();
    await expect(s.put(chunks(Buffer.alloc(10), Buffer.alloc(10)), { maxBytes: 15 })).rejects.toBeInstanceOf(TooLargeError);
    async function* broken() {
      yield Buffer.alloc(100);
      throw new Error('client went away');
    }
    await expect(s.put(broken())).rejects.toThrow('client went away');
    expect(await readdir(path.join(s.root, 'tmp'))).toEqual([]);
    expect(await readdir(path.join(s.root, 'objects')).catch(() => [])).toEqual([]);
  });

  it('removes the temporary files of uploads a killed process left behind (run at start-up)', async () => {
    const s = await store();
    await s.put(chunks(Buffer.from('complete')));
    await writeFile(path.join(s.root, 'tmp', 'killed-mid-upload.part'), Buffer.alloc(4096));
    expect(await s.cleanTemporaryFiles()).toBe(1);
    expect(await readdir(path.join(s.root, 'tmp'))).toEqual([]);
    expect(await s.has(sha(Buffer.from('complete')))).toBe(true);
  });

  it('never turns a key that is not a hash into a path', async () => {
    const s = await store();
    await expect(s.read('../../etc/passwd')).rejects.toThrow(/Not a storage key/);
  });
});
