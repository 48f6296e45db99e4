import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifacts, artifactSignatures, auditEvents, products, releaseReviews } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { ingestArtifact } from '@/lib/dml/ingest';
import { createRelease, publishRelease } from '@/lib/dml/releases';
import { AppError, ValidationError } from '@/lib/errors';
import { addPublisherKey, retirePublisherKey, revokePublisherKey } from '@/lib/trust/keys';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { pgpKeyPair, pgpSign, sigstoreBundle, sigstoreKeyPair } from '../support/signing';

const db = setupTestDb();
let librarian: Actor;
let productId: string;
const lib = () => ({ kind: 'user' as const, actor: librarian });

beforeAll(async () => {
  librarian = await actor('librarian@example.com');
  productId = (await db().query.products.findFirst({ where: eq(products.slug, 'git') }))!.id;
});

async function* body(b: Buffer) {
  yield new Uint8Array(b);
}
async function draft() {
  return createRelease(lib(), productId, { version: `9.${Math.floor(Math.random() * 1e6)}.0`, notes: '' });
}
/** Uploads `bytes` as the linux-x64 artifact of a new draft, with an optional signature. */
async function upload(bytes: Buffer, signature?: string, releaseId?: string) {
  const id = releaseId ?? (await draft()).id;
  return ingestArtifact(
    lib(),
    id,
    { platform: 'linux-x64', fileName: 'git.tar.gz', mediaType: 'application/gzip', signature },
    body(bytes),
  );
}
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ValidationError);
  expect((e as AppError).field).toBe('signature');
  return e as AppError;
}
async function trusted(name: string, opts?: Parameters<typeof pgpKeyPair>[1]) {
  const pair = await pgpKeyPair(name, opts);
  const { id } = await addPublisherKey(librarian, productId, { kind: 'openpgp', label: name, publicKey: pair.publicKey });
  return { ...pair, id };
}
const artifactCount = async (releaseId: string) => (await db().select().from(artifacts).where(eq(artifacts.releaseId, releaseId))).length;

describe(`publisher signatures at ingest (${engine})`, () => {
  it('accepts a good armored or binary OpenPGP signature and stores the verified signer', async () => {
    const key = await trusted('Good Publisher');
    const bytes = randomBytes(300_000);
    const a = await upload(bytes, await pgpSign(key.privateKey, bytes));
    const [sig] = await db().select().from(artifactSignatures).where(eq(artifactSignatures.artifactId, a.id));
    expect(sig).toMatchObject({ keyId: key.id, kind: 'openpgp' });
    expect(sig!.signer).toContain('Good Publisher');
    const b = randomBytes(1000);
    const bin = await upload(b, await pgpSign(key.privateKey, b, { binary: true }));
    expect(bin.created).toBe(true);
  });

  it('refuses a tampered artifact, and stores nothing of it', async () => {
    const key = await trusted('Tamper Publisher');
    const bytes = randomBytes(10_000);
    const signature = await pgpSign(key.privateKey, bytes);
    const tampered = Buffer.from(bytes);
    tampered[5000] = tampered[5000]! ^ 0xff;
    const r = await draft();
    const e = await refusal(upload(tampered, signature, r.id));
    expect(e.message).toMatch(/bad signature/);
    expect(await artifactCount(r.id)).toBe(0);
  });

  it('refuses a signature by a key the product does not trust (wrong key)', async () => {
    await trusted('Trusted One');
    const stranger = await pgpKeyPair('Stranger');
    const bytes = randomBytes(2000);
    const e = await refusal(upload(bytes, await pgpSign(stranger.privateKey, bytes)));
    expect(e.message).toMatch(/unknown key/);
  });

  it('refuses an expired key and a key retired by rotation, while the new key works', async () => {
    const created = new Date(Date.now() - 2 * 86_400_000);
    const old = await trusted('Expired Publisher', { created, expiresInSeconds: 3600 });
    const bytes = randomBytes(2000);
    const e = await refusal(upload(bytes, await pgpSign(old.privateKey, bytes, { date: new Date(created.getTime() + 60_000) })));
    expect(e.message).toMatch(/key expired/);

    const retiring = await trusted('Rotating Publisher');
    const next = await trusted('Rotated Publisher');
    await retirePublisherKey(librarian, retiring.id, new Date(Date.now() - 1000));
    const e2 = await refusal(upload(bytes, await pgpSign(retiring.privateKey, bytes)));
    expect(e2.message).toMatch(/key expired .*retired/);
    expect((await upload(bytes, await pgpSign(next.privateKey, bytes))).created).toBe(true);
  });

  it('revoking a key refuses it from then on and flags the releases it signed for review, audited', async () => {
    const key = await trusted('Revoked Publisher');
    const bytes = randomBytes(2000);
    const signed = await upload(bytes, await pgpSign(key.privateKey, bytes));
    const { flagged } = await revokePublisherKey(librarian, key.id, 'Private key leaked');
    expect(flagged).toBe(1);
    const reviews = await db().select().from(releaseReviews).where(eq(releaseReviews.keyId, key.id));
    expect(reviews.map((r) => r.releaseId)).toEqual([signed.releaseId]);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.entityId, key.id));
    expect(audit.map((a) => a.action)).toEqual(['publisher_key.added', 'publisher_key.revoked']);
    const e = await refusal(upload(bytes, await pgpSign(key.privateKey, bytes)));
    expect(e.message).toMatch(/key revoked/);
  });

  it('verifies key-based Sigstore bundles offline: good, tampered, unknown hint', async () => {
    const pair = sigstoreKeyPair();
    const hint = `ci-${randomUUID()}`;
    await addPublisherKey(librarian, productId, {
      kind: 'sigstore',
      label: 'CI cosign',
      publicKey: pair.publicKeyPem,
      hint,
      identity: 'ci@git.test',
    });
    const bytes = randomBytes(5000);
    const ok = await upload(bytes, sigstoreBundle(pair.privateKey, hint, bytes));
    const [sig] = await db().select().from(artifactSignatures).where(eq(artifactSignatures.artifactId, ok.id));
    expect(sig).toMatchObject({ kind: 'sigstore', signer: `ci@git.test (${hint})` });
    const other = Buffer.from(bytes);
    other[0] = other[0]! ^ 1;
    expect((await refusal(upload(other, sigstoreBundle(pair.privateKey, hint, bytes)))).message).toMatch(/bad signature/);
    expect((await refusal(upload(bytes, sigstoreBundle(pair.privateKey, 'nobody', bytes)))).message).toMatch(/unknown key/);
  });

  it('under a signing policy refuses an unsigned upload, and publishing an unsigned release unless overridden', async () => {
    const r = await draft();
    await upload(randomBytes(100), undefined, r.id); // before the policy: accepted unsigned
    await db().update(products).set({ requireSignatures: true }).where(eq(products.id, productId));
    try {
      const e = await refusal(upload(randomBytes(100)));
      expect(e.message).toMatch(/missing/);
      const pub = await publishRelease(lib(), r.id, {}).catch((err: AppError) => err);
      expect(pub).toBeInstanceOf(ValidationError);
      expect((pub as AppError).message).toMatch(/signature missing for linux-x64/);
      await publishRelease(lib(), r.id, { overrideRef: 'CHG-77' });
      const audit = await db().select().from(auditEvents).where(eq(auditEvents.entityId, r.id));
      expect(audit.find((a) => a.action === 'release.policy_override')?.after).toMatchObject({ overrideRef: 'CHG-77' });
    } finally {
      await db().update(products).set({ requireSignatures: false }).where(eq(products.id, productId));
    }
  });
});
