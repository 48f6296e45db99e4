import { createHash, randomBytes } from 'node:crypto';
import { appendFile, chmod, open, unlink } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifacts, auditEvents, devices, entitlements, products, releases, serviceRequests, type Platform } from '@/db/schema';
import { getStorage } from '@/lib/dml';
import { authorizeDownload, openDownload, type DownloadPrincipal, type DownloadTarget } from '@/lib/dml/download';
import type { LocalStorage } from '@/lib/dml/local-storage';
import { BLOCK_SIZE } from '@/lib/dml/storage';
import { openVerifiedStream } from '@/lib/dml/verified-stream';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const MiB = 1024 * 1024;
/** The verification block of new artifacts: what a Range request reads at least. */
const BLOCK = BLOCK_SIZE;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let librarian: DownloadPrincipal, admin: DownloadPrincipal, alice: DownloadPrincipal, aliceId: string;
let laptop: string, macbook: string, bobDevice: string, firefoxId: string;
const rel: Record<string, typeof releases.$inferSelect> = {};
const fixture: Partial<Record<Platform, { id: string; bytes: Buffer }>> = {};

async function target(version: string, platform: Platform = 'windows-x64', productId = firefoxId): Promise<DownloadTarget> {
  const [row] = await db()
    .select({ artifact: artifacts, release: releases })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .where(and(eq(releases.productId, productId), eq(releases.version, version), eq(artifacts.platform, platform)));
  return row!;
}
/** Grants an entitlement (Alice's laptop and Firefox unless told otherwise), replacing any active one. */
async function entitle(values: Partial<typeof entitlements.$inferInsert>) {
  const row = { userId: aliceId, deviceId: laptop, productId: firefoxId, ...values };
  if ((row.status ?? 'active') === 'active') {
    // At most one active entitlement per user, device and product (a unique index may enforce it).
    const same = and(
      eq(entitlements.userId, row.userId),
      eq(entitlements.deviceId, row.deviceId),
      eq(entitlements.productId, row.productId),
    );
    await db()
      .update(entitlements)
      .set({ status: 'revoked' })
      .where(and(same, eq(entitlements.status, 'active')));
  }
  return (await db().insert(entitlements).values(row).returning())[0]!;
}
const asAlice = (deviceId = laptop): DownloadPrincipal => ({ ...alice, deviceId }) as DownloadPrincipal;

async function readAll(stream: ReadableStream<Uint8Array> | null): Promise<{ bytes: Buffer; error?: unknown }> {
  const parts: Uint8Array[] = [];
  try {
    const reader = stream!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    return { bytes: Buffer.concat(parts) };
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}
async function download(id: string, range?: string, ifRange?: string) {
  const r = await openDownload(librarian, id, { method: 'GET', range, ifRange });
  return { ...r, ...(await readAll(r.body)) };
}

beforeAll(async () => {
  librarian = { kind: 'user', actor: await actor('librarian@example.com') };
  admin = { kind: 'user', actor: await actor('admin@example.com') };
  const a = await actor('alice@example.com');
  alice = { kind: 'user', actor: a };
  aliceId = a.id;
  const devs = await db().select().from(devices);
  laptop = devs.find((d) => d.hostname === 'ALICE-LT-4411')!.id;
  macbook = devs.find((d) => d.hostname === 'alice-mbp')!.id;
  bobDevice = devs.find((d) => d.hostname === 'bob-studio')!.id;
  firefoxId = (await db().query.products.findFirst({ where: eq(products.slug, 'firefox') }))!.id;
  for (const r of await db().select().from(releases).where(eq(releases.productId, firefoxId))) rel[r.version] = r;

  // Multi-block files of our own (random, so no other test shares their storage object), added
  // to a draft and then published: the database only lets artifacts into a draft.
  const [draft] = await db().insert(releases).values({ productId: firefoxId, version: 'dl-test' }).returning();
  const sizes: [Platform, number][] = [
    ['windows-x64', 6.5 * MiB + 123],
    ['windows-arm64', 3 * MiB + 17],
    ['macos-arm64', 1.5 * MiB],
    ['macos-x64', 0],
    ['linux-x64', 2 * MiB],
    ['linux-arm64', MiB + 5],
  ];
  for (const [platform, size] of sizes) {
    const bytes = randomBytes(size);
    const o = await getStorage().put(
      (async function* () {
        for (let i = 0; i < size; i += 300_000) yield bytes.subarray(i, i + 300_000);
      })(),
    );
    const fileName = platform === 'macos-x64' ? 'Résumé "final"; 100% (x).msi' : `${platform}.bin`;
    const values = {
      releaseId: draft!.id,
      platform,
      fileName,
      sizeBytes: o.size,
      sha256: o.sha256,
      storageKey: o.key,
      blockSize: o.blockSize,
      blockHashes: o.blockHashes,
    };
    const [row] = await db().insert(artifacts).values(values).returning();
    fixture[platform] = { id: row!.id, bytes };
  }
  await db().update(releases).set({ status: 'published', publishedAt: new Date() }).where(eq(releases.id, draft!.id));
});

describe(`download authorisation (${engine})`, () => {
  it('lets librarians and admins download drafts and published releases, without an entitlement', async () => {
    for (const p of [librarian, admin]) {
      expect(await authorizeDownload(p, await target('142.0'))).toEqual({ entitlement: null });
      expect(await authorizeDownload(p, await target('141.0'))).toEqual({ entitlement: null });
      expect(await authorizeDownload(p, await target('139.0.4'))).toEqual({ entitlement: null });
    }
  });

  it('refuses withdrawn releases to everyone, librarians, admins and entitled users included', async () => {
    const sevenZip = (await db().query.products.findFirst({ where: eq(products.slug, '7-zip') }))!;
    const [gone] = await db()
      .select()
      .from(releases)
      .where(and(eq(releases.productId, sevenZip.id), eq(releases.status, 'withdrawn')));
    const t = await target(gone!.version, 'windows-x64', sevenZip.id);
    await entitle({ productId: sevenZip.id, releaseId: gone!.id });
    for (const p of [librarian, admin, asAlice()]) {
      await expect(authorizeDownload(p, t)).rejects.toThrow(/withdrawn and can never be downloaded/);
    }
  });

  it('refuses a requester without an entitlement as if the artifact did not exist, and requires a device of theirs', async () => {
    const t = await target('141.0');
    await expect(authorizeDownload(asAlice(), t)).rejects.toBeInstanceOf(NotFoundError);
    const hidden = (await authorizeDownload(asAlice(), t).catch((e) => e)) as NotFoundError;
    await expect(authorizeDownload(asAlice(), undefined)).rejects.toMatchObject({
      status: 404,
      message: hidden.message,
      field: hidden.field,
    });
    await expect(authorizeDownload(alice, t)).rejects.toMatchObject({ status: 403, field: 'device' });
    await expect(authorizeDownload(asAlice(bobDevice), t)).rejects.toMatchObject({ status: 404, field: 'device' });
    await expect(authorizeDownload(asAlice('not-a-uuid'), t)).rejects.toMatchObject({ status: 404, field: 'device' });
  });

  it('allows exactly the entitled user and device, and returns the entitlement and its request', async () => {
    const [request] = await db()
      .insert(serviceRequests)
      .values({ requesterId: aliceId, productId: firefoxId, deviceId: macbook, justification: 'work', status: 'approved' })
      .returning();
    const e = await entitle({ deviceId: macbook, releaseId: rel['141.0']!.id, requestId: request!.id });
    const t = await target('141.0');
    await expect(authorizeDownload(asAlice(laptop), t)).rejects.toBeInstanceOf(NotFoundError);
    expect(await authorizeDownload(asAlice(macbook), t)).toEqual({ entitlement: { id: e.id, requestId: request!.id, deploymentId: null } });
    const device: DownloadPrincipal = { kind: 'device', deviceId: macbook, ownerId: aliceId };
    expect((await authorizeDownload(device, t)).entitlement?.id).toBe(e.id);
    await expect(authorizeDownload({ kind: 'device', deviceId: macbook, ownerId: 'b'.repeat(8) }, t)).rejects.toBeInstanceOf(NotFoundError);
    // A retired device downloads nothing, whatever it was entitled to.
    await db().update(devices).set({ status: 'retired' }).where(eq(devices.id, macbook));
    await expect(authorizeDownload(device, t)).rejects.toMatchObject({ status: 403, field: 'device' });
    await expect(authorizeDownload(asAlice(macbook), t)).rejects.toBeInstanceOf(ForbiddenError);
    await db().update(devices).set({ status: 'active' }).where(eq(devices.id, macbook));
  });

  it('refuses expired and revoked entitlements, and entitlements to another product', async () => {
    const [bob] = await db().select().from(devices).where(eq(devices.id, bobDevice));
    const bobP: DownloadPrincipal = { kind: 'device', deviceId: bobDevice, ownerId: bob!.ownerId! };
    const t = await target('140.0.4');
    const chrome = (await db().query.products.findFirst({ where: eq(products.slug, 'google-chrome') }))!;
    const base = { userId: bob!.ownerId!, deviceId: bobDevice, releaseId: rel['140.0.4']!.id };
    await entitle({ ...base, productId: chrome.id, includesLaterReleases: true, releaseId: null });
    await entitle({ ...base, status: 'revoked' });
    await entitle({ ...base, status: 'expired' });
    await entitle({ ...base, expiresAt: new Date(Date.now() - 60_000) }); // Still 'active', but past its expiry.
    await expect(authorizeDownload(bobP, t)).rejects.toBeInstanceOf(NotFoundError);
    await entitle({ ...base, expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await authorizeDownload(bobP, t)).entitlement).not.toBeNull();
  });

  it('applies includesLaterReleases: later published releases yes, earlier and deprecated ones no, drafts never', async () => {
    const fx = async (version: string) => authorizeDownload(asAlice(), await target(version));
    const e = await entitle({ releaseId: rel['140.0.4']!.id, includesLaterReleases: true });
    expect((await fx('140.0.4')).entitlement?.id).toBe(e.id);
    expect((await fx('141.0')).entitlement?.id).toBe(e.id);
    await expect(fx('139.0.4')).rejects.toThrow(/deprecated: only an entitlement to exactly this version/);
    await expect(fx('142.0')).rejects.toBeInstanceOf(NotFoundError);
    await db().update(entitlements).set({ status: 'revoked' }).where(eq(entitlements.id, e.id));
    // From 141.0 on: the earlier, still published 140.0.4 is not included; a release published since is.
    const from141 = await entitle({ releaseId: rel['141.0']!.id, includesLaterReleases: true });
    await expect(fx('140.0.4')).rejects.toThrow(/does not cover version 140.0.4/);
    expect(await authorizeDownload(asAlice(), await target('dl-test'))).toEqual({
      entitlement: { id: from141.id, requestId: null, deploymentId: null },
    });
    await db().update(entitlements).set({ status: 'revoked' }).where(eq(entitlements.id, from141.id));

    // A deprecated release: only by naming it; "and later" from it still reaches published ones.
    const exact = await entitle({ releaseId: rel['139.0.4']!.id });
    expect((await fx('139.0.4')).entitlement?.id).toBe(exact.id);
    await expect(fx('141.0')).rejects.toThrow(/does not cover version 141.0/);
    const later = await entitle({ releaseId: rel['139.0.4']!.id, includesLaterReleases: true });
    expect((await fx('141.0')).entitlement?.id).toBe(later.id);
    await db().update(entitlements).set({ status: 'revoked' }).where(eq(entitlements.userId, aliceId));

    // No release named: any published release, but not a deprecated one.
    await entitle({ releaseId: null, includesLaterReleases: true });
    await expect(fx('140.0.4')).resolves.toBeTruthy();
    await expect(fx('139.0.4')).rejects.toBeInstanceOf(ForbiddenError);
    await db().update(entitlements).set({ status: 'revoked' }).where(eq(entitlements.userId, aliceId));
  });
});

describe(`verified range streaming (${engine})`, () => {
  it('sends exact bytes and headers for single ranges, including across block boundaries', async () => {
    const { id, bytes } = fixture['windows-x64']!;
    const size = bytes.length;
    const full = await download(id);
    expect(full.status).toBe(200);
    expect(sha(full.bytes)).toBe(sha(bytes));
    expect(full.headers).toMatchObject({ 'Content-Length': String(size), ETag: `"${sha(bytes)}"`, 'Accept-Ranges': 'bytes' });
    expect(full.headers['Repr-Digest']).toBe(`sha-256=:${createHash('sha256').update(bytes).digest('base64')}:`);
    const cases: [string, number, number][] = [
      ['bytes=0-0', 0, 0],
      ['bytes=0-1048575', 0, MiB - 1],
      ['bytes=1048575-1048576', MiB - 1, MiB],
      ['bytes=1048576-', MiB, size - 1],
      ['bytes=1000000-3200000', 1000000, 3200000],
      ['bytes=-10', size - 10, size - 1],
      [`bytes=-${size + 5}`, 0, size - 1],
      [`bytes=${size - 1}-${size + 1000}`, size - 1, size - 1],
      [`bytes=${6 * MiB}-${6 * MiB + 122}`, 6 * MiB, 6 * MiB + 122],
    ];
    for (const [range, start, end] of cases) {
      const r = await download(id, range);
      expect([range, r.status, r.headers['Content-Range']]).toEqual([range, 206, `bytes ${start}-${end}/${size}`]);
      expect(r.headers['Content-Length']).toBe(String(end - start + 1));
      expect(r.bytes.equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }
    for (const range of [`bytes=${size}-`, 'bytes=-0', `bytes=${size + 10}-${size + 20}`]) {
      expect(await download(id, range)).toMatchObject({ status: 416, headers: { 'Content-Range': `bytes */${size}` }, body: null });
    }
    // Ignored Range headers: multiple ranges (allowed by RFC 9110), malformed, other units, stale If-Range.
    for (const [range, ifRange] of [
      ['bytes=0-1,5-9'],
      ['bytes=9-2'],
      ['items=0-1'],
      ['bytes=0-1', '"other"'],
      ['bytes=0-1', `W/"${sha(bytes)}"`],
    ]) {
      const r = await download(id, range, ifRange);
      expect([range, ifRange, r.status, r.bytes.length]).toEqual([range, ifRange, 200, size]);
    }
    expect((await download(id, 'bytes=5-9', `"${sha(bytes)}"`)).bytes).toEqual(bytes.subarray(5, 10));
    const head = await openDownload(librarian, id, { method: 'HEAD', range: 'bytes=0-1' });
    expect(head).toMatchObject({ status: 200, body: null, headers: { 'Content-Length': String(size) } });
  });

  it('serves a zero-byte artifact, with a name that is safe in the header whatever it holds', async () => {
    const r = await download(fixture['macos-x64']!.id);
    expect([r.status, r.bytes.length, r.headers['Content-Length']]).toEqual([200, 0, '0']);
    expect(r.headers['Content-Disposition']).toBe(
      `attachment; filename="R_sum_ _final_; 100_ (x).msi"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%3B%20100%25%20%28x%29.msi`,
    );
    expect((await download(fixture['macos-x64']!.id, 'bytes=0-')).status).toBe(416);
  });

  it('reads from storage only as fast as the consumer takes the bytes', async () => {
    const { id, bytes } = fixture['windows-x64']!;
    const [row] = await db().select().from(artifacts).where(eq(artifacts.id, id));
    let source: ReadStream | undefined;
    const storage = {
      read: async (key: string, r?: { start: number; end: number }) => (source = (await getStorage().read(key, r)) as ReadStream),
    };
    const reader = (await openVerifiedStream({ storage, object: row!, range: null, onFailure: async () => {} })).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 100));
    expect(source!.bytesRead).toBeLessThanOrEqual(3 * MiB);
    await reader.cancel();
    expect(bytes.length).toBeGreaterThan(6 * MiB);
  });
});

describe(`integrity failures (${engine})`, () => {
  const file = (key: string) => (getStorage() as LocalStorage).pathFor(key);
  async function tamper(id: string, change: (path: string) => Promise<void>) {
    const [row] = await db().select().from(artifacts).where(eq(artifacts.id, id));
    await chmod(file(row!.storageKey), 0o644);
    await change(file(row!.storageKey)).finally(() => chmod(file(row!.storageKey), 0o444).catch(() => {}));
  }
  const flip = (offset: number) => async (path: string) => {
    const h = await open(path, 'r+');
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, offset);
    await h.write(Buffer.from([b[0]! ^ 0x01]), 0, 1, offset);
    await h.close();
  };
  const failures = (id: string) =>
    db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'artifact.integrity_failed')));
  const statusOf = async (id: string) => (await db().select().from(artifacts).where(eq(artifacts.id, id)))[0]!.status;

  it('stops mid-stream at a flipped byte, sends only verified bytes, marks corrupt and audits once', async () => {
    const { id, bytes } = fixture['windows-arm64']!;
    await tamper(id, flip(2 * BLOCK + 7));
    const [a, b] = await Promise.all([openDownload(librarian, id, { method: 'GET' }), openDownload(librarian, id, { method: 'GET' })]);
    expect(a.status).toBe(200); // The first block was fine, so the headers went out.
    // Both streams read at once: each stops at block 2 having sent a prefix of verified bytes
    // (at least block 0; block 1 too unless it was still queued when the stream errored).
    for (const r of await Promise.all([readAll(a.body), readAll(b.body)])) {
      expect(r.error).toMatchObject({ status: 500, message: 'This file failed its integrity check and will not be served.' });
      expect(r.bytes.length).toBeGreaterThanOrEqual(BLOCK);
      expect(r.bytes.length).toBeLessThanOrEqual(2 * BLOCK);
      expect(r.bytes.equals(bytes.subarray(0, r.bytes.length))).toBe(true);
    }
    expect(await statusOf(id)).toBe('corrupt');
    const events = await failures(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorKind: 'system', actorId: null, entityType: 'artifact' });
    expect(events[0]!.after).toMatchObject({
      reason: 'block_hash_mismatch',
      blockIndex: 2,
      expectedBlockHash: sha(bytes.subarray(2 * BLOCK, 3 * BLOCK)),
    });
    expect((events[0]!.after as { actualBlockHash: string }).actualBlockHash).toMatch(/^[0-9a-f]{64}$/);
    // Refused before a byte is read, for everyone, and not audited again.
    await expect(openDownload(librarian, id, { method: 'GET', range: 'bytes=0-0' })).rejects.toMatchObject({ status: 500 });
    await expect(openDownload(admin, id, { method: 'HEAD' })).rejects.toMatchObject({ status: 500 });
    expect(await failures(id)).toHaveLength(1);
  });

  it('refuses a corrupt first block, a missing file and a file longer than recorded before any header', async () => {
    await tamper(fixture['macos-arm64']!.id, flip(10));
    await tamper(fixture['linux-x64']!.id, unlink);
    await tamper(fixture['linux-arm64']!.id, (p) => appendFile(p, 'x'));
    const expected = { 'macos-arm64': 'block_hash_mismatch', 'linux-x64': 'missing', 'linux-arm64': 'size_mismatch' } as const;
    for (const [platform, reason] of Object.entries(expected)) {
      const { id } = fixture[platform as Platform]!;
      await expect(
        openDownload(librarian, id, { method: 'GET', range: platform === 'linux-arm64' ? 'bytes=-1' : null }),
      ).rejects.toMatchObject({ status: 500 });
      expect(await statusOf(id)).toBe('corrupt');
      expect((await failures(id)).map((e) => (e.after as { reason: string }).reason)).toEqual([reason]);
    }
  });
});
