import { and, eq } from 'drizzle-orm';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifacts, auditEvents, products, releases } from '@/db/schema';
import { getStorage } from '@/lib/dml';
import { ingestArtifact } from '@/lib/dml/ingest';
import type { DmlPrincipal } from '@/lib/dml/principal';
import { createRelease, deprecateRelease, publishRelease, withdrawRelease } from '@/lib/dml/releases';
import { artifactInput, releaseInput } from '@/lib/dml/schema';
import { BLOCK_SIZE } from '@/lib/dml/storage';
import { ConflictError, ForbiddenError, ValidationError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb, testStorageRoot } from '../support/db';
import { sha256 } from '../support/bytes';

const db = setupTestDb();
const lena = async (): Promise<DmlPrincipal> => ({ kind: 'user', actor: await actor('librarian@example.com') });
const productId = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id;
async function* body(...parts: Buffer[]) {
  for (const p of parts) yield p;
}
const input = (platform: string, fileName = `tool-${platform}.bin`, expectedSha256?: string) =>
  artifactInput.parse({ platform, fileName, expectedSha256 });

async function draftWithArtifact(slug: string, version: string) {
  const release = await createRelease(await lena(), await productId(slug), releaseInput.parse({ version }));
  await ingestArtifact(await lena(), release.id, input('linux-x64'), body(Buffer.from(`bytes of ${slug} ${version}`)));
  return release;
}

describe(`release lifecycle (${engine})`, () => {
  it('only librarians and admins create releases, and a version is used once per product', async () => {
    const pid = await productId('git');
    await expect(
      createRelease({ kind: 'user', actor: await actor('alice@example.com') }, pid, releaseInput.parse({ version: '9.0.0' })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const created = await createRelease(await lena(), pid, releaseInput.parse({ version: '9.0.0', notes: 'n' }));
    expect(created.status).toBe('draft');
    await expect(createRelease(await lena(), pid, releaseInput.parse({ version: '9.0.0' }))).rejects.toMatchObject({ field: 'version' });
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, created.id), eq(auditEvents.action, 'release.created')));
    expect(audit).toHaveLength(1);
  });

  it('a requester gets the same 403 for a release that exists and one that does not, and never a 500 for a bad id', async () => {
    const alice: DmlPrincipal = { kind: 'user', actor: await actor('alice@example.com') };
    const [existing] = await db().select().from(releases).where(eq(releases.status, 'published')).limit(1);
    for (const id of [existing!.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'x\u0000y']) {
      await expect(publishRelease(alice, id, {})).rejects.toBeInstanceOf(ForbiddenError);
      await expect(deprecateRelease(alice, id)).rejects.toBeInstanceOf(ForbiddenError);
    }
    // A librarian's malformed ids are answered as unknown (404), not as a server error.
    await expect(withdrawRelease(await lena(), 'not-a-uuid', 'reason')).rejects.toMatchObject({ status: 404 });
    await expect(createRelease(await lena(), 'x\u0000', releaseInput.parse({ version: '1.0' }))).rejects.toMatchObject({ status: 404 });
    expect(releaseInput.safeParse({ version: '1.0', notes: 'bad \u0000 notes' }).error?.issues[0]).toMatchObject({ path: ['notes'] });
    expect(releaseInput.safeParse({ version: '1.0\ud800' }).error?.issues[0]).toMatchObject({ path: ['version'] });
  });

  it('names the field at fault for malformed versions and file names', () => {
    expect(releaseInput.safeParse({ version: 'v 1/2' }).error?.issues[0]?.path).toEqual(['version']);
    expect(releaseInput.safeParse({ version: '' }).error?.issues[0]?.message).toBe('Enter a version.');
    expect(artifactInput.safeParse({ platform: 'linux-x64', fileName: '../evil' }).error?.issues[0]?.path).toEqual(['fileName']);
    expect(artifactInput.safeParse({ platform: 'beos', fileName: 'a.bin' }).error?.issues[0]?.path).toEqual(['platform']);
    expect(artifactInput.safeParse({ platform: 'linux-x64', fileName: 'a', expectedSha256: 'xyz' }).error?.issues[0]?.path).toEqual([
      'expectedSha256',
    ]);
  });

  it('ingests by stream, verifies the expected hash, and treats an identical retry as the same artifact', async () => {
    const release = await createRelease(await lena(), await productId('git'), releaseInput.parse({ version: '9.1.0' }));
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 5);
    const first = await ingestArtifact(
      await lena(),
      release.id,
      input('linux-x64', 'git.tar.gz', sha256(bytes)),
      body(bytes.subarray(0, 100), bytes.subarray(100)),
    );
    expect(first).toMatchObject({ created: true, sizeBytes: bytes.length, sha256: sha256(bytes) });
    const row = await db().query.artifacts.findFirst({ where: eq(artifacts.id, first.id) });
    expect(row?.blockHashes).toHaveLength(Math.ceil(bytes.length / BLOCK_SIZE) * 64);
    const retry = await ingestArtifact(await lena(), release.id, input('linux-x64', 'git.tar.gz', sha256(bytes)), body(bytes));
    expect(retry).toMatchObject({ id: first.id, created: false });
    await expect(
      ingestArtifact(await lena(), release.id, input('linux-x64', 'git.tar.gz'), body(Buffer.from('other bytes'))),
    ).rejects.toMatchObject({
      field: 'platform',
    });
    expect(await db().$count(artifacts, eq(artifacts.releaseId, release.id))).toBe(1);
  });

  it('keeps nothing from a wrong expected hash or an upload cut off half-way', async () => {
    const release = await createRelease(await lena(), await productId('git'), releaseInput.parse({ version: '9.2.0' }));
    const bytes = Buffer.from('the real bytes');
    const wrong = ingestArtifact(await lena(), release.id, input('linux-x64', 'a.bin', 'a'.repeat(64)), body(bytes));
    await expect(wrong).rejects.toBeInstanceOf(ValidationError);
    await expect(wrong).rejects.toMatchObject({ field: 'sha256' });
    async function* cutOff() {
      yield Buffer.alloc(1024 * 1024, 1);
      throw new Error('connection reset');
    }
    await expect(ingestArtifact(await lena(), release.id, input('macos-arm64'), cutOff())).rejects.toThrow('connection reset');
    expect(await db().$count(artifacts, eq(artifacts.releaseId, release.id))).toBe(0);
    expect(await getStorage().has(sha256(bytes))).toBe(false);
    expect(await readdir(path.join(testStorageRoot(), 'tmp'))).toEqual([]);
  });

  it('publishes only with an artifact, and with a change reference where the product asks for one', async () => {
    const empty = await createRelease(await lena(), await productId('git'), releaseInput.parse({ version: '9.3.0' }));
    await expect(publishRelease(await lena(), empty.id, {})).rejects.toMatchObject({ field: 'artifacts' });

    const m365 = await draftWithArtifact('microsoft-365-apps', '16.99.1');
    await expect(publishRelease(await lena(), m365.id, {})).rejects.toMatchObject({ field: 'changeRef' });
    const published = await publishRelease(await lena(), m365.id, { changeRef: 'CHG0099999' });
    expect(published).toMatchObject({ status: 'published', changeRef: 'CHG0099999' });
    expect(published.publishedAt).toBeInstanceOf(Date);
    // Nothing can be added to it any more.
    await expect(ingestArtifact(await lena(), m365.id, input('windows-x64'), body(Buffer.from('late')))).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('two librarians publishing at once: one wins, the other is told', async () => {
    const release = await draftWithArtifact('git', '9.4.0');
    const other: DmlPrincipal = { kind: 'user', actor: await actor('admin@example.com') };
    const results = await Promise.allSettled([publishRelease(await lena(), release.id, {}), publishRelease(other, release.id, {})]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(ConflictError);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, release.id), eq(auditEvents.action, 'release.published')));
    expect(audit).toHaveLength(1);
  });

  it('two withdrawals at once: one wins; withdrawal needs a reason and is final', async () => {
    const release = await draftWithArtifact('git', '9.5.0');
    await publishRelease(await lena(), release.id, {});
    await expect(withdrawRelease(await lena(), release.id, '   ')).rejects.toMatchObject({ field: 'reason' });
    const results = await Promise.allSettled([
      withdrawRelease(await lena(), release.id, 'CVE-2026-0001'),
      withdrawRelease({ kind: 'user', actor: await actor('admin@example.com') }, release.id, 'Broken installer'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(1);
    await expect(deprecateRelease(await lena(), release.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(publishRelease(await lena(), release.id, {})).rejects.toBeInstanceOf(ConflictError);
    const [row] = await db().select().from(releases).where(eq(releases.id, release.id));
    expect(row?.status).toBe('withdrawn');
    expect(['CVE-2026-0001', 'Broken installer']).toContain(row?.withdrawReason);
  });
});
