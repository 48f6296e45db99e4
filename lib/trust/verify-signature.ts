import { Readable } from 'node:stream';
import { createPublicKey } from 'node:crypto';
import * as openpgp from 'openpgp';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { publisherKeys, type PublisherKey, type PublisherKeyKind } from '@/db/schema';
import { ValidationError } from '@/lib/errors';
import { verifyKeylessBundle } from './verify-sigstore-keyless';

export interface VerifiedSignature {
  keyId: string;
  kind: PublisherKeyKind;
  signer: string;
}

/** Sigstore verifies over the whole artifact in memory; larger files must be signed with OpenPGP. */
export const SIGSTORE_MAX_BYTES = 512 * 1024 * 1024;

const refuse = (reason: string) => new ValidationError(reason, 'signature');

/** Why a key cannot vouch for a signature made now, or null when it can. */
function keyRefusal(k: PublisherKey, now: Date): string | null {
  if (k.revokedAt) return `Signature refused: key revoked — ${k.label} (${k.fingerprint}) was revoked on ${k.revokedAt.toISOString()}.`;
  if (k.retiredAt && k.retiredAt <= now)
    return `Signature refused: key expired — ${k.label} (${k.fingerprint}) was retired on ${k.retiredAt.toISOString()}.`;
  if (k.expiresAt && k.expiresAt <= now)
    return `Signature refused: key expired — ${k.label} (${k.fingerprint}) expired on ${k.expiresAt.toISOString()}.`;
  return null;
}

/** Sigstore bundles are JSON; anything else is taken to be an OpenPGP detached signature. */
function sigstoreBundleOf(raw: Buffer): unknown {
  const text = raw.toString('utf8').trim();
  if (!text.startsWith('{')) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw refuse('Signature refused: bad signature — the Sigstore bundle is not valid JSON.');
  }
}

/**
 * Checks a detached signature (base64 of an armored or binary OpenPGP signature, or of a Sigstore
 * bundle) over an artifact's stored bytes against the product's publisher keys. Every refusal is a
 * 422 on `signature` whose message names the reason: bad signature, unknown key, expired/retired
 * key, revoked key or identity mismatch.
 */
export async function verifyArtifactSignature(
  tx: DbOrTx,
  productId: string,
  signatureBase64: string,
  readArtifact: () => Promise<Readable>,
  now = new Date(),
): Promise<VerifiedSignature> {
  const raw = Buffer.from(signatureBase64, 'base64');
  if (raw.length === 0) throw refuse('Signature refused: missing — the signature is empty.');
  const keys = await tx.select().from(publisherKeys).where(eq(publisherKeys.productId, productId));
  const bundle = sigstoreBundleOf(raw);
  return bundle ? verifySigstore(keys, bundle, readArtifact, now) : verifyOpenPgp(keys, raw, readArtifact, now);
}

async function verifyOpenPgp(keys: PublisherKey[], raw: Buffer, readArtifact: () => Promise<Readable>, now: Date) {
  let signature: openpgp.Signature;
  try {
    const text = raw.toString('utf8');
    signature = text.includes('-----BEGIN PGP SIGNATURE-----')
      ? await openpgp.readSignature({ armoredSignature: text })
      : await openpgp.readSignature({ binarySignature: raw });
  } catch {
    throw refuse('Signature refused: bad signature — it is neither an OpenPGP detached signature nor a Sigstore bundle.');
  }
  const signedBy = signature.getSigningKeyIDs().map((id) => id.toHex());
  let match: { row: PublisherKey; key: openpgp.Key } | undefined;
  for (const row of keys.filter((k) => k.kind === 'openpgp')) {
    const key = await openpgp.readKey({ armoredKey: row.publicKey });
    if (key.getKeyIDs().some((id) => signedBy.includes(id.toHex()))) match = { row, key };
  }
  if (!match) throw refuse(`Signature refused: unknown key — ${signedBy.join(', ') || 'no key id'} is not a trusted key of this product.`);
  const refusal = keyRefusal(match.row, now);
  if (refusal) throw refuse(refusal);

  const stream = Readable.toWeb(await readArtifact()) as ReadableStream<Uint8Array>;
  const message = await openpgp.createMessage({ binary: stream });
  const result = await openpgp.verify({ message, signature, verificationKeys: match.key, format: 'binary', date: now });
  // The data must be read through before the verification settles (streamed, constant memory).
  const reader = (result.data as ReadableStream<Uint8Array>).getReader();
  while (!(await reader.read()).done);
  try {
    await result.signatures[0]!.verified;
  } catch (e) {
    const msg = (e as Error).message;
    if (/expired/i.test(msg)) throw refuse(`Signature refused: key expired — ${match.row.label}: ${msg}.`);
    throw refuse(`Signature refused: bad signature — it does not match this file (tampered or another file): ${msg}.`);
  }
  return { keyId: match.row.id, kind: 'openpgp' as const, signer: `${match.row.identity} (${match.row.fingerprint})` };
}

/** Sigstore verifies over the whole artifact in memory, so its size is bounded. */
async function readWhole(readArtifact: () => Promise<Readable>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await readArtifact()) {
    size += (chunk as Buffer).length;
    if (size > SIGSTORE_MAX_BYTES) throw refuse('Signature refused: files over 512 MB must be signed with OpenPGP.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function verifySigstore(keys: PublisherKey[], json: unknown, readArtifact: () => Promise<Readable>, now: Date) {
  let bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (e) {
    throw refuse(`Signature refused: bad signature — not a valid Sigstore bundle (${(e as Error).message}).`);
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case !== 'publicKey') {
    // Keyless: a certificate (or chain) naming the signer, checked against the configured trust root.
    const artifact = await readWhole(readArtifact);
    const identities = keys.filter((k) => k.kind === 'sigstore' && k.oidcIssuer);
    const { row, signer } = verifyKeylessBundle(identities, bundle, artifact);
    const refusal = keyRefusal(row, now);
    if (refusal) throw refuse(refusal);
    return { keyId: row.id, kind: 'sigstore' as const, signer };
  }
  const hint = material.publicKey.hint;
  const row = keys.find((k) => k.kind === 'sigstore' && !k.oidcIssuer && k.fingerprint === hint);
  if (!row) throw refuse(`Signature refused: unknown key — Sigstore key "${hint}" is not a trusted key of this product.`);
  const refusal = keyRefusal(row, now);
  if (refusal) throw refuse(refusal);

  const artifact = await readWhole(readArtifact);
  // Offline trust root: the product's own keys, no transparency log or timestamp authority.
  const verifier = new Verifier(
    {
      certificateAuthorities: [],
      timestampAuthorities: [],
      tlogs: [],
      ctlogs: [],
      publicKey: () => ({ publicKey: createPublicKey(row.publicKey), validFor: () => true }),
    },
    { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 },
  );
  try {
    verifier.verify(toSignedEntity(bundle, artifact));
  } catch (e) {
    throw refuse(`Signature refused: bad signature — it does not match this file (${(e as Error).message}).`);
  }
  return { keyId: row.id, kind: 'sigstore' as const, signer: `${row.identity} (${row.fingerprint})` };
}
