import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// lib/env reads SIGSTORE_TRUSTED_ROOT once when it loads: write the root and name it before any import.
const sigstore = await vi.hoisted(async () => {
  const { sigstoreInstance } = await import('../support/signing');
  const instance = sigstoreInstance();
  process.env.SIGSTORE_TRUSTED_ROOT = instance.writeTrustedRoot();
  return instance;
});

import { artifacts, artifactSignatures, products } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { ingestArtifact } from '@/lib/dml/ingest';
import { createRelease } from '@/lib/dml/releases';
import { env } from '@/lib/env';
import { AppError, ValidationError } from '@/lib/errors';
import { addPublisherKey, revokePublisherKey } from '@/lib/trust/keys';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { sigstoreInstance } from '../support/signing';

const db = setupTestDb();
let librarian: Actor;
let productId: string;
const lib = () => ({ kind: 'user' as const, actor: librarian });
const issuer = 'https://token.actions.githubusercontent.com';

beforeAll(async () => {
  librarian = await actor('librarian@example.com');
  productId = (await db().query.products.findFirst({ where: eq(products.slug, 'git') }))!.id;
});

async function* body(b: Buffer) {
  yield new Uint8Array(b);
}
/** Uploads `bytes` as the linux-x64 artifact of a new draft, signed with `signature`. */
async function upload(bytes: Buffer, signature: string) {
  const release = await createRelease(lib(), productId, { version: `8.${Math.floor(Math.random() * 1e6)}.0`, notes: '' });
  const a = await ingestArtifact(
    lib(),
    release.id,
    { platform: 'linux-x64', fileName: 'git.tar.gz', mediaType: 'application/gzip', signature },
    body(bytes),
  ).catch(async (e: unknown) => {
    // Nothing of a refused upload is stored.
    expect(await db().select().from(artifacts).where(eq(artifacts.releaseId, release.id))).toHaveLength(0);
    throw e;
  });
  return a;
}
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ValidationError); // mapped to 422 by app/api/respond.ts
  expect((e as AppError).field).toBe('signature');
  return e as AppError;
}
async function trustIdentity(san: string) {
  return addPublisherKey(librarian, productId, { kind: 'sigstore', label: `CI ${san}`, publicKey: '', identity: san, issuer });
}

describe(`keyless Sigstore bundles against a configured trust root (${engine})`, () => {
  it('accepts a bundle whose certificate names a trusted identity, and stores the SAN as the signer', async () => {
    const san = `https://github.com/example/git/.github/workflows/release.yml@refs/tags/v${randomUUID()}`;
    const { id } = await trustIdentity(san);
    const bytes = randomBytes(4000);
    const a = await upload(bytes, sigstore.keylessBundle(bytes, { san, issuer }));
    const [sig] = await db().select().from(artifactSignatures).where(eq(artifactSignatures.artifactId, a.id));
    expect(sig).toMatchObject({ keyId: id, kind: 'sigstore', signer: `${san} (${issuer})` });
    // The current bundle format: the log entry also proves inclusion under a signed checkpoint.
    const more = randomBytes(2000);
    expect((await upload(more, sigstore.keylessBundle(more, { san, issuer }, '0.3'))).created).toBe(true);
  });

  it('refuses a certificate naming another identity or another issuer (identity mismatch)', async () => {
    const san = `release-${randomUUID()}@git.test`;
    await trustIdentity(san);
    const bytes = randomBytes(1000);
    const e = await refusal(upload(bytes, sigstore.keylessBundle(bytes, { san: `x${san}`, issuer })));
    expect(e.message).toMatch(/identity mismatch/);
    // The SAN is compared exactly, not as a pattern: a look-alike with a regex-special dot fails.
    const e2 = await refusal(upload(bytes, sigstore.keylessBundle(bytes, { san: san.replace('.', '-'), issuer })));
    expect(e2.message).toMatch(/identity mismatch/);
    const e3 = await refusal(upload(bytes, sigstore.keylessBundle(bytes, { san, issuer: 'https://accounts.evil.test' })));
    expect(e3.message).toMatch(/identity mismatch/);
  });

  it('refuses a certificate from a CA the trust root does not hold', async () => {
    const san = `other-ca-${randomUUID()}@git.test`;
    await trustIdentity(san);
    const bytes = randomBytes(1000);
    const e = await refusal(upload(bytes, sigstoreInstance().keylessBundle(bytes, { san, issuer })));
    expect(e.message).toMatch(/unknown key .*trusted Sigstore CA/);
  });

  it('refuses a tampered artifact', async () => {
    const san = `tamper-${randomUUID()}@git.test`;
    await trustIdentity(san);
    const bytes = randomBytes(3000);
    const bundle = sigstore.keylessBundle(bytes, { san, issuer });
    const tampered = Buffer.from(bytes);
    tampered[100] = tampered[100]! ^ 0xff;
    const e = await refusal(upload(tampered, bundle));
    expect(e.message).toMatch(/bad signature/);
  });

  it('refuses a revoked identity, and any keyless bundle when no trust root is configured', async () => {
    const san = `revoked-${randomUUID()}@git.test`;
    const { id } = await trustIdentity(san);
    const bytes = randomBytes(500);
    await revokePublisherKey(librarian, id, 'Workflow compromised');
    expect((await refusal(upload(bytes, sigstore.keylessBundle(bytes, { san, issuer })))).message).toMatch(/key revoked/);

    const live = `live-${randomUUID()}@git.test`;
    await trustIdentity(live);
    // The portal as started without the setting (env is the validated settings object).
    const root = env.SIGSTORE_TRUSTED_ROOT;
    env.SIGSTORE_TRUSTED_ROOT = undefined;
    try {
      const e = await refusal(upload(bytes, sigstore.keylessBundle(bytes, { san: live, issuer })));
      expect(e.message).toMatch(/SIGSTORE_TRUSTED_ROOT/);
    } finally {
      env.SIGSTORE_TRUSTED_ROOT = root;
    }
  });

  it('a keyless identity needs an identity and an issuer URL, and no public key', async () => {
    const add = (input: Partial<Parameters<typeof addPublisherKey>[2]>) =>
      addPublisherKey(librarian, productId, { kind: 'sigstore', label: 'x', publicKey: '', ...input }).catch((e: AppError) => e.field);
    expect(await add({ issuer })).toBe('identity');
    expect(await add({ issuer: 'not a url', identity: 'a@b.test' })).toBe('issuer');
    expect(await add({ issuer, identity: 'a@b.test', publicKey: '-----BEGIN PUBLIC KEY-----' })).toBe('publicKey');
  });
});
