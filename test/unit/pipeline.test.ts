import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { artifacts, auditEvents, apiTokens, products, releases, users } from '@/db/schema';
import { errorResponse } from '@/app/api/respond';
import { getStorage, setStorage } from '@/lib/dml';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '@/lib/errors';
import { artifactHeaders } from '@/lib/pipeline/schema';
import { ensureRelease, publish, putArtifact } from '@/lib/pipeline/service';
import { authenticatePipelineToken, createApiToken, listApiTokens, revokeApiToken } from '@/lib/pipeline/tokens';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function* chunks(...parts: Buffer[]) {
  for (const p of parts) yield new Uint8Array(p);
}
/** A body that must never be read: proves a request was answered without consuming the upload. */
async function* unread(): AsyncIterable<Uint8Array> {
  throw new Error('the body was read');
}
async function productId(slug: string) {
  const p = await db().query.products.findFirst({ where: eq(products.slug, slug) });
  return p!.id;
}
async function tokenFor(...slugs: string[]) {
  const librarian = await actor('librarian@example.com');
  const productIds = await Promise.all(slugs.map(productId));
  const { token, secret } = await createApiToken(librarian, { name: `ci ${slugs.join(' ')}`, productIds });
  return { token, secret, principal: await authenticatePipelineToken(`Bearer ${secret}`) };
}
async function expectError(p: Promise<unknown>, type: new (...args: never[]) => AppError, field?: string) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(type);
  if (field !== undefined) expect((e as AppError).field).toBe(field);
  return e as AppError;
}
const releaseRows = async (slug: string, version: string) =>
  db()
    .select()
    .from(releases)
    .where(and(eq(releases.productId, await productId(slug)), eq(releases.version, version)));

describe(`pipeline tokens (${engine})`, () => {
  it('shows the secret once and stores only its SHA-256 and a display prefix', async () => {
    const { token, secret } = await tokenFor('git');
    expect(secret).toMatch(/^ppt_[A-Za-z0-9_-]{43}$/);
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(row!.tokenHash).toBe(sha(Buffer.from(secret)));
    expect(row!.prefix).toBe(secret.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(secret);

    const listed = await listApiTokens(await actor('admin@example.com'));
    const view = listed.find((t) => t.id === token.id)!;
    expect(view).toMatchObject({ prefix: row!.prefix, state: 'active', products: [{ slug: 'git', name: 'Git' }] });
    expect(view.createdBy.name).toBeTruthy();
    expect(JSON.stringify(listed)).not.toMatch(/tokenHash|ppt_[A-Za-z0-9_-]{43}/);

    const audit = await db().select().from(auditEvents).where(eq(auditEvents.entityId, token.id));
    expect(audit.map((a) => a.action)).toEqual(['api_token.created']);
    expect(audit[0]!.after).toMatchObject({ name: 'ci git', products: ['git'] });
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain(row!.tokenHash);
  });

  it('lets only librarians and admins manage tokens', async () => {
    const alice = await actor('alice@example.com');
    const git = await productId('git');
    await expectError(createApiToken(alice, { name: 'mine', productIds: [git] }), ForbiddenError);
    await expectError(listApiTokens(alice), ForbiddenError);
    const { token } = await tokenFor('git');
    await expectError(revokeApiToken(alice, token.id), ForbiddenError);
    expect(await db().select().from(apiTokens).where(eq(apiTokens.name, 'mine'))).toEqual([]);
  });

  it('rejects bad token input naming the field', async () => {
    const librarian = await actor('librarian@example.com');
    const git = await productId('git');
    await expectError(createApiToken(librarian, { name: '  ', productIds: [git] }), ValidationError, 'name');
    await expectError(createApiToken(librarian, { name: 'x', productIds: [] }), ValidationError, 'productIds');
    await expectError(createApiToken(librarian, { name: 'x', productIds: ['not-a-uuid'] }), ValidationError, 'productIds.0');
    await expectError(createApiToken(librarian, { name: 'x', productIds: [crypto.randomUUID()] }), ValidationError, 'productIds');
    await expectError(createApiToken(librarian, { name: 'x', productIds: [git], expiresAt: '2001-01-01' }), ValidationError, 'expiresAt');
    const { token } = await createApiToken(librarian, { name: 'dated', productIds: [git, git], expiresAt: '2999-12-31' });
    expect(token.expiresAt?.toISOString()).toBe('2999-12-31T00:00:00.000Z');
    expect(token.products).toHaveLength(1);
  });

  it('authenticates a live token and records its use; refuses every other header with one message', async () => {
    const { token, secret, principal } = await tokenFor('git');
    expect(principal).toEqual({ kind: 'pipeline', tokenId: token.id, tokenName: 'ci git' });
    const [used] = await db().select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(used!.lastUsedAt).toBeInstanceOf(Date);

    const expired = await tokenFor('git');
    await db()
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expired.token.id));
    const revoked = await tokenFor('git');
    await revokeApiToken(await actor('librarian@example.com'), revoked.token.id);

    const headers = [
      null,
      '',
      secret, // no scheme
      `Basic ${secret}`,
      'Bearer',
      'Bearer not-a-token',
      `Bearer ${secret}x`,
      `Bearer ppt_${'A'.repeat(43)}`, // well-formed, unknown
      `Bearer ${expired.secret}`,
      `Bearer ${revoked.secret}`,
    ];
    const messages = new Set<string>();
    for (const h of headers) messages.add((await expectError(authenticatePipelineToken(h), UnauthorizedError)).message);
    expect(messages.size).toBe(1);
    expect(await authenticatePipelineToken(`bearer   ${secret}`)).toMatchObject({ tokenId: token.id });
  });

  it('stops a token when the librarian who made it loses the role or is disabled', async () => {
    const { secret } = await tokenFor('git');
    const lena = await actor('librarian@example.com');
    await db()
      .update(users)
      .set({ roles: ['requester'] })
      .where(eq(users.id, lena.id));
    await expectError(authenticatePipelineToken(`Bearer ${secret}`), UnauthorizedError);
    await db()
      .update(users)
      .set({ roles: ['requester', 'librarian'], active: false })
      .where(eq(users.id, lena.id));
    await expectError(authenticatePipelineToken(`Bearer ${secret}`), UnauthorizedError);
    await db().update(users).set({ active: true }).where(eq(users.id, lena.id));
    expect(await authenticatePipelineToken(`Bearer ${secret}`)).toMatchObject({ kind: 'pipeline' });
  });

  it('revokes once, with an audit event, and a second revoke changes nothing', async () => {
    const librarian = await actor('librarian@example.com');
    const { token } = await tokenFor('git');
    expect((await revokeApiToken(librarian, token.id)).state).toBe('revoked');
    expect((await revokeApiToken(librarian, token.id)).state).toBe('revoked');
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.entityId, token.id));
    expect(audit.map((a) => a.action)).toEqual(['api_token.created', 'api_token.revoked']);
    await expectError(revokeApiToken(librarian, crypto.randomUUID()), NotFoundError);
    await expectError(revokeApiToken(librarian, 'nonsense'), NotFoundError);
  });
});

describe(`pipeline publishing (${engine})`, () => {
  it('answers 404 for an unknown product and 403 for a product outside the token’s scope', async () => {
    const { principal } = await tokenFor('git');
    await expectError(ensureRelease(principal, 'no-such-product', { version: '1.0' }), NotFoundError, 'product');
    await expectError(ensureRelease(principal, 'nodejs', { version: '1.0' }), ForbiddenError);
    await expectError(publish(principal, 'nodejs', '22.0.0'), ForbiddenError);
    const bytes = randomBytes(64);
    await expectError(
      putArtifact(principal, 'nodejs', '1.0', { platform: 'linux-x64', fileName: 'a.bin', sha256: sha(bytes) }, chunks(bytes)),
      ForbiddenError,
    );
    expect(await releaseRows('nodejs', '1.0')).toEqual([]);
  });

  it('creates a release once: a retry (even a concurrent one) returns it with created=false', async () => {
    const { principal } = await tokenFor('git');
    const first = await ensureRelease(principal, 'git', { version: '9.0.0', notes: 'CI build' });
    expect(first).toMatchObject({ created: true, release: { product: 'git', version: '9.0.0', status: 'draft', notes: 'CI build' } });
    const again = await ensureRelease(principal, 'git', { version: '9.0.0', notes: 'CI build' });
    expect(again).toEqual({ created: false, release: first.release });
    const racing = await Promise.all([1, 2, 3].map(() => ensureRelease(principal, 'git', { version: '9.0.1' })));
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(racing.map((r) => r.release.id)).size).toBe(1);
    expect(await releaseRows('git', '9.0.0')).toHaveLength(1);
    expect(await releaseRows('git', '9.0.1')).toHaveLength(1);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.entityId, first.release.id));
    expect(audit).toMatchObject([
      { action: 'release.created', actorKind: 'pipeline', actorId: principal.kind === 'pipeline' && principal.tokenId },
    ]);
  });

  it('refuses an upload whose bytes do not match the checksum, keeping neither a row nor a file', async () => {
    const { principal } = await tokenFor('git');
    await ensureRelease(principal, 'git', { version: '9.1.0' });
    const bytes = randomBytes(3000);
    const e = await expectError(
      putArtifact(principal, 'git', '9.1.0', { platform: 'linux-x64', fileName: 'git.tar.gz', sha256: 'ab'.repeat(32) }, chunks(bytes)),
      ValidationError,
      'sha256',
    );
    expect(e.status).toBe(422);
    const [release] = await releaseRows('git', '9.1.0');
    expect(await db().select().from(artifacts).where(eq(artifacts.releaseId, release!.id))).toEqual([]);
    expect(await getStorage().has(sha(bytes))).toBe(false);
    // Without a checksum nothing is read or stored either: the API requires one.
    await expectError(
      putArtifact(principal, 'git', '9.1.0', { platform: 'linux-x64', fileName: 'git.tar.gz', sha256: '' }, unread()),
      ValidationError,
      'sha256',
    );
  });

  it('stores an artifact once: the same bytes again are created=false, other bytes are a conflict', async () => {
    const { principal } = await tokenFor('git');
    await ensureRelease(principal, 'git', { version: '9.2.0' });
    const bytes = randomBytes(5000);
    const input = { platform: 'linux-x64', fileName: 'git-9.2.0.tar.gz', mediaType: 'application/gzip', sha256: sha(bytes).toUpperCase() };
    const first = await putArtifact(principal, 'git', '9.2.0', input, chunks(bytes.subarray(0, 100), bytes.subarray(100)));
    expect(first).toMatchObject({
      created: true,
      artifact: { platform: 'linux-x64', size: 5000, sha256: sha(bytes), mediaType: 'application/gzip' },
    });
    expect(await getStorage().has(sha(bytes))).toBe(true);
    const again = await putArtifact(principal, 'git', '9.2.0', input, chunks(bytes));
    expect(again).toEqual({ created: false, artifact: first.artifact });

    const other = randomBytes(10);
    await expectError(putArtifact(principal, 'git', '9.2.0', { ...input, sha256: sha(other) }, unread()), ConflictError, 'platform');
    await expectError(
      putArtifact(principal, 'git', '9.2.0', { ...input, fileName: 'renamed.tar.gz' }, unread()),
      ConflictError,
      'platform',
    );
    await expectError(putArtifact(principal, 'git', '9.9.9', input, chunks(bytes)), NotFoundError, 'version');
    const [release] = await releaseRows('git', '9.2.0');
    expect(await db().select().from(artifacts).where(eq(artifacts.releaseId, release!.id))).toHaveLength(1);
  });

  it('publishes once: a retry with the same change reference succeeds, anything else conflicts', async () => {
    const { principal } = await tokenFor('git');
    await ensureRelease(principal, 'git', { version: '9.3.0' });
    await expectError(publish(principal, 'git', '9.3.0'), ValidationError, 'artifacts');
    const bytes = randomBytes(100);
    const input = { platform: 'windows-x64', fileName: 'Git-9.3.0.exe', sha256: sha(bytes) };
    await putArtifact(principal, 'git', '9.3.0', input, chunks(bytes));

    const first = await publish(principal, 'git', '9.3.0', { changeRef: 'CHG-1001' });
    expect(first).toMatchObject({ published: true, release: { status: 'published', changeRef: 'CHG-1001' } });
    const again = await publish(principal, 'git', '9.3.0', { changeRef: 'CHG-1001' });
    expect(again).toEqual({ published: false, release: first.release });
    await expectError(publish(principal, 'git', '9.3.0', { changeRef: 'CHG-2' }), ConflictError, 'changeRef');
    await expectError(publish(principal, 'git', '2.49.0'), ConflictError, 'status'); // deprecated in the demo data

    // The whole pipeline re-run after publishing still succeeds without changing anything.
    expect((await ensureRelease(principal, 'git', { version: '9.3.0' })).created).toBe(false);
    expect(await putArtifact(principal, 'git', '9.3.0', input, unread())).toMatchObject({ created: false });
    await expectError(putArtifact(principal, 'git', '9.3.0', { ...input, platform: 'linux-x64' }, unread()), ConflictError, 'status');
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.entityId, first.release.id));
    expect(audit.filter((a) => a.action === 'release.published')).toHaveLength(1);
  });

  it('keeps a checksum mismatch a 422 even when the store’s error class comes from another bundle', async () => {
    // In the built app the store is created by instrumentation's bundle, so its error classes are
    // not the ones ingest imports; only the error's name identifies it.
    const { principal } = await tokenFor('git');
    await ensureRelease(principal, 'git', { version: '9.4.0' });
    const real = getStorage();
    class HashMismatchError extends Error {
      override name = 'HashMismatchError';
    }
    setStorage({
      put: async () => Promise.reject(new HashMismatchError('The uploaded bytes have another SHA-256.')),
      read: real.read.bind(real),
      has: real.has.bind(real),
      remove: real.remove.bind(real),
      cleanTemporaryFiles: real.cleanTemporaryFiles.bind(real),
      list: real.list.bind(real),
    });
    try {
      const bytes = randomBytes(10);
      const input = { platform: 'linux-x64', fileName: 'a.bin', sha256: sha(bytes) };
      await expectError(putArtifact(principal, 'git', '9.4.0', input, chunks(bytes)), ValidationError, 'sha256');
    } finally {
      setStorage(real);
    }
  });

  it('rejects malformed versions, file names and platforms naming the field, storing nothing', async () => {
    const { principal } = await tokenFor('git');
    await expectError(ensureRelease(principal, 'git', { version: 'v 1/2' }), ValidationError, 'version');
    await expectError(ensureRelease(principal, 'git', { version: '' }), ValidationError, 'version');
    await expectError(publish(principal, 'git', '../1'), ValidationError, 'version');
    const bytes = randomBytes(10);
    const ok = { platform: 'linux-x64', fileName: 'a.bin', sha256: sha(bytes) };
    await expectError(putArtifact(principal, 'git', 'v 1/2', ok, unread()), ValidationError, 'version');
    for (const fileName of ['../evil', 'a/b', '..', 'a\\b', 'x\u0000y', '']) {
      await expectError(putArtifact(principal, 'git', '2.50.1', { ...ok, fileName }, unread()), ValidationError, 'fileName');
    }
    await expectError(putArtifact(principal, 'git', '2.50.1', { ...ok, platform: 'amiga' }, unread()), ValidationError, 'platform');
    await expectError(putArtifact(principal, 'git', '2.50.1', { ...ok, mediaType: 'not a type' }, unread()), ValidationError, 'mediaType');
    expect(await releaseRows('git', 'v 1/2')).toEqual([]);
  });
});

describe('API error mapping', () => {
  it('maps typed errors, invalid input and unexpected failures to JSON without internals', async () => {
    const forbidden = errorResponse(new ForbiddenError('No.'));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: 'No.' });
    const unauthorized = errorResponse(new UnauthorizedError('Token.'));
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');

    const invalid = artifactHeaders.safeParse({ platform: 'amiga', fileName: '../x', sha256: 'zz' });
    const res = errorResponse(invalid.error!);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { field: string; fields: Record<string, string> };
    expect(body.field).toBe('platform');
    expect(Object.keys(body.fields).sort()).toEqual(['fileName', 'platform', 'sha256']);

    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const crash = errorResponse(new TypeError('secret internals at /srv/app.js:1:2'));
    expect(crash.status).toBe(500);
    expect(await crash.text()).toBe('{"error":"Internal error"}');
    log.mockRestore();
  });
});
