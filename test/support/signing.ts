import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import * as openpgp from 'openpgp';

/** A publisher's OpenPGP key pair; `created`/`expiresInSeconds` make keys that are already expired. */
export async function pgpKeyPair(name: string, opts: { created?: Date; expiresInSeconds?: number } = {}) {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@publisher.test` }],
    date: opts.created,
    keyExpirationTime: opts.expiresInSeconds ?? 0,
    format: 'armored',
  });
  return { privateKey, publicKey };
}

/** A detached signature over `bytes`, base64 of the armored (default) or binary form. */
export async function pgpSign(privateKey: string, bytes: Buffer, opts: { binary?: boolean; date?: Date } = {}): Promise<string> {
  const message = await openpgp.createMessage({ binary: bytes });
  const signingKeys = await openpgp.readPrivateKey({ armoredKey: privateKey });
  if (opts.binary) {
    const sig = await openpgp.sign({ message, signingKeys, detached: true, format: 'binary', date: opts.date });
    return Buffer.from(sig as Uint8Array).toString('base64');
  }
  const sig = await openpgp.sign({ message, signingKeys, detached: true, format: 'armored', date: opts.date });
  return Buffer.from(sig as string).toString('base64');
}

/** A Sigstore key pair (what `cosign generate-key-pair` makes: ECDSA P-256). */
export function sigstoreKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

/** A key-based Sigstore bundle (v0.3, public-key hint, no transparency log) over `bytes`, base64. */
export function sigstoreBundle(privateKey: ReturnType<typeof sigstoreKeyPair>['privateKey'], hint: string, bytes: Buffer): string {
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(bytes).digest('base64') },
      signature: sign('sha256', bytes, privateKey).toString('base64'),
    },
  };
  return Buffer.from(JSON.stringify(bundle)).toString('base64');
}

/** A small CycloneDX 1.5 SBOM naming the product itself and its components. */
export function cycloneDx(
  product: { name: string; version: string },
  components: { name: string; version: string; purl?: string; licence?: string }[],
) {
  return Buffer.from(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: { component: { type: 'application', name: product.name, version: product.version } },
      components: components.map((c) => ({
        type: 'library',
        name: c.name,
        version: c.version,
        purl: c.purl,
        licenses: c.licence ? [{ license: { id: c.licence } }] : undefined,
      })),
    }),
  );
}

/** An in-toto statement with SLSA provenance naming these artifact digests. */
export function provenance(subjects: { name: string; sha256: string }[]) {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: { buildDefinition: { buildType: 'https://example.test/ci' }, runDetails: { builder: { id: 'https://ci.example.test' } } },
    }),
  );
}
