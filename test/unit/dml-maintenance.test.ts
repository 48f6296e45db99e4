import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, auditEvents, products, releases, type Platform } from '@/db/schema';
import { openSession } from '@/lib/auth/sessions';
import { getStorage, setStorage } from '@/lib/dml';
import { answerDownload } from '@/lib/dml/download-http';
import { LocalStorage } from '@/lib/dml/local-storage';
import { collectGarbage, scrubArtifacts } from '@/lib/dml/maintenance';
import { S3Storage } from '@/lib/dml/s3-storage';
import { BLOCK_SIZE, type DmlStorage } from '@/lib/dml/storage';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { startS3Server, type TestS3Server } from '../support/s3-server';

const db = setupTestDb();
const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function* chunks(bytes: Buffer) {
  for (let i = 0; i < bytes.length; i += 256 * 1024) yield bytes.subarray(i, i + 256 * 1024);
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

interface Harness {
  storage: DmlStorage;
  damage(key: string, bytes: Buffer): Promise<void>;
  lose(key: string): Promise<void>;
}
const factories: Record<string, () => Promise<Harness>> = {
  local: async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'portal-dml-maint-'));
    roots.push(root);
    const storage = new LocalStorage(root);
    return {
      storage,
      async damage(key, bytes) {
        await chmod(storage.pathFor(key), 0o644);
        await writeFile(storage.pathFor(key), bytes);
      },
      lose: (key) => unlink(storage.pathFor(key)),
    };
  },
  s3: async () => {
    const storage = server.storage(`m${randomBytes(4).toString('hex')}/`);
    return {
      storage,
      async damage(key, bytes) {
        await storage.client.send(new PutObjectCommand({ Bucket: server.bucket, Key: storage.objectKey(key), Body: bytes }));
      },
      lose: (key) => storage.remove(key),
    };
  },
};

let firefoxId: string;
beforeAll(async () => {
  firefoxId = (await db().query.products.findFirst({ where: eq(products.slug, 'firefox') }))!.id;
});

/** Stores the bytes and records them as artifacts of a fresh published release. */
async function addArtifacts(storage: DmlStorage, files: Buffer[]) {
  const [draft] = await db()
    .insert(releases)
    .values({ productId: firefoxId, version: `maint-${randomBytes(4).toString('hex')}` })
    .returning();
  const platforms: Platform[] = ['windows-x64', 'linux-x64', 'macos-arm64', 'linux-arm64'];
  const ids: string[] = [];
  for (const [i, bytes] of files.entries()) {
    const o = await storage.put(chunks(bytes));
    const values = { releaseId: draft!.id, platform: platforms[i]!, fileName: `f${i}.bin`, sizeBytes: o.size, sha256: o.sha256 };
    const [row] = await db()
      .insert(artifacts)
      .values({ ...values, storageKey: o.key, blockSize: o.blockSize, blockHashes: o.blockHashes })
      .returning();
    ids.push(row!.id);
  }
  await db().update(releases).set({ status: 'published', publishedAt: new Date() }).where(eq(releases.id, draft!.id));
  return ids;
}

describe.each(Object.keys(factories))(`library maintenance on %s storage (${engine})`, (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await factories[kind]!();
    setStorage(h.storage);
  });

  it('scrub finds a damaged and a missing object, marks them corrupt and audits each once', async () => {
    const files = [randomBytes(2 * MiB + 9), randomBytes(MiB), randomBytes(3 * MiB)];
    const [good, damaged, lost] = await addArtifacts(h.storage, files);
    const flipped = Buffer.from(files[1]!);
    flipped[700_000] = flipped[700_000]! ^ 1;
    await h.damage(sha(files[1]!), flipped);
    await h.lose(sha(files[2]!));

    const seen: string[] = [];
    const first = await scrubArtifacts(h.storage, (_, row) => seen.push(row.id));
    expect(seen).toEqual(expect.arrayContaining([good, damaged, lost]));
    const mine = (r: typeof first) => r.corrupt.filter((c) => [good, damaged, lost].includes(c.artifactId));
    expect(mine(first)).toEqual(
      expect.arrayContaining([
        {
          artifactId: damaged,
          failure: expect.objectContaining({ reason: 'block_hash_mismatch', blockIndex: Math.floor(700_000 / BLOCK_SIZE) }),
        },
        { artifactId: lost, failure: expect.objectContaining({ reason: 'missing' }) },
      ]),
    );
    expect(mine(first)).toHaveLength(2);
    await scrubArtifacts(h.storage);
    const rows = await db()
      .select({ id: artifacts.id, status: artifacts.status })
      .from(artifacts)
      .where(inArray(artifacts.id, [good!, damaged!, lost!]));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [good!]: 'ok', [damaged!]: 'corrupt', [lost!]: 'corrupt' });
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'artifact.integrity_failed'), inArray(auditEvents.entityId, [good!, damaged!, lost!])));
    expect(audits.map((a) => a.entityId).sort()).toEqual([damaged!, lost!].sort());
  });

  it('gc lists unreferenced objects past the grace period, removes them only with remove, and keeps referenced ones', async () => {
    const [kept] = await addArtifacts(h.storage, [randomBytes(1000)]);
    const keptKey = (await db().query.artifacts.findFirst({ where: eq(artifacts.id, kept!) }))!.storageKey;
    const orphan = await h.storage.put(chunks(randomBytes(5000)));
    const later = new Date(Date.now() + 2000);

    expect((await collectGarbage(h.storage, { graceHours: 24 })).unreferenced.map((o) => o.key)).not.toContain(orphan.key);
    const dry = await collectGarbage(h.storage, { graceHours: 0, now: later });
    expect(dry.unreferenced.map((o) => o.key)).toContain(orphan.key);
    expect(dry.unreferenced.map((o) => o.key)).not.toContain(keptKey);
    expect(dry.removed).toBe(0);
    expect(await h.storage.has(orphan.key)).toBe(true);

    const wet = await collectGarbage(h.storage, { graceHours: 0, now: later, remove: true });
    expect(wet.removed).toBe(dry.unreferenced.length);
    expect(await h.storage.has(orphan.key)).toBe(false);
    expect(await h.storage.has(keptKey)).toBe(true);
  });
});

describe(`a download while the S3 store is unreachable (${engine})`, () => {
  it('answers 503 with a clear message, not a 200 or a 500', async () => {
    const [id] = await addArtifacts(getStorage(), [randomBytes(10)]);
    const probe = createServer();
    const port = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as { port: number }).port)));
    await new Promise((r) => probe.close(r));
    setStorage(new S3Storage({ ...server.config(), endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }));
    const sessionId = await openSession((await actor('librarian@example.com')).id);
    const r = await answerDownload({
      method: 'GET',
      artifactId: id!,
      headers: new Headers(),
      searchParams: new URLSearchParams(),
      sessionId: async () => sessionId,
    });
    expect(r.status).toBe(503);
    expect(r.headers['Retry-After']).toBe('30');
    expect(JSON.parse(await new Response(r.body).text())).toEqual({ error: expect.stringMatching(/storage cannot be reached/) });
  });
});
