import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * A private Sigstore instance made offline for tests: a Fulcio-style CA (openssl CLI) and a
 * Rekor-style log key. `trustedRoot` is its TrustedRoot JSON; `keylessBundle` signs bytes with a
 * fresh short-lived certificate naming `san` and `issuer`, logged as a hashedrekord entry with a
 * signed entry timestamp (SET) by the log key.
 */
export function sigstoreInstance() {
  const dir = mkdtempSync(join(tmpdir(), 'fulcio-'));
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ossl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-subj',
    `/O=test/CN=fulcio-${randomUUID()}`,
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const caDer = new X509Certificate(readFileSync(join(dir, 'ca.pem'))).raw;
  const log = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const logSpki = log.publicKey.export({ type: 'spki', format: 'der' });
  const logId = createHash('sha256').update(logSpki).digest();
  const start = new Date(Date.now() - 86_400_000).toISOString();
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.test',
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: logSpki.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
        logId: { keyId: logId.toString('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'test', commonName: 'fulcio' },
        uri: 'https://fulcio.test',
        certChain: { certificates: [{ rawBytes: caDer.toString('base64') }] },
        validFor: { start },
      },
    ],
    ctlogs: [],
    timestampAuthorities: [],
  };

  /**
   * v0.1 (default): the log entry carries only a SET. v0.3: as cosign 3 / Rekor v1 make them, also a
   * Merkle inclusion proof (a one-leaf tree) under a checkpoint signed by the log key.
   */
  function keylessBundle(bytes: Buffer, identity: { san: string; issuer: string }, version: '0.1' | '0.3' = '0.1'): string {
    const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'leaf.key'), leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const san = identity.san.includes('@') ? `email:${identity.san}` : `URI:${identity.san}`;
    writeFileSync(
      join(dir, 'leaf.ext'),
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=codeSigning',
        'authorityKeyIdentifier=keyid',
        'subjectKeyIdentifier=hash',
        `subjectAltName=critical,${san}`,
        `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${identity.issuer}`,
      ].join('\n'),
    );
    ossl('req', '-new', '-key', 'leaf.key', '-subj', '/', '-out', 'leaf.csr');
    ossl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-days', '1', '-extfile', 'leaf.ext', '-out', 'leaf.pem');
    const leafDer = new X509Certificate(readFileSync(join(dir, 'leaf.pem'))).raw;
    const signature = sign('sha256', bytes, leaf.privateKey);
    const digest = createHash('sha256').update(bytes).digest();
    const body = Buffer.from(
      JSON.stringify({
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
          signature: {
            content: signature.toString('base64'),
            publicKey: { content: Buffer.from(readFileSync(join(dir, 'leaf.pem'))).toString('base64') },
          },
        },
      }),
    );
    const integratedTime = Math.floor(Date.now() / 1000);
    const logIndex = Math.floor(Math.random() * 1e6);
    // The SET: the log's signature over the canonical JSON of body, integratedTime, logID, logIndex (keys sorted).
    const setPayload = JSON.stringify({ body: body.toString('base64'), integratedTime, logID: logId.toString('hex'), logIndex });
    const set = sign('sha256', Buffer.from(setPayload), log.privateKey);
    const rootHash = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), body]))
      .digest();
    const note = `rekor.test - 1\n1\n${rootHash.toString('base64')}\n`;
    const noteSig = Buffer.concat([logId.subarray(0, 4), sign('sha256', Buffer.from(note), log.privateKey)]);
    const inclusionProof = {
      logIndex: '0',
      rootHash: rootHash.toString('base64'),
      treeSize: '1',
      hashes: [],
      checkpoint: { envelope: `${note}\n\u2014 rekor.test ${noteSig.toString('base64')}\n` },
    };
    const bundle = {
      mediaType:
        version === '0.3' ? 'application/vnd.dev.sigstore.bundle.v0.3+json' : 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: {
        ...(version === '0.3'
          ? { certificate: { rawBytes: leafDer.toString('base64') } }
          : { x509CertificateChain: { certificates: [{ rawBytes: leafDer.toString('base64') }] } }),
        tlogEntries: [
          {
            logIndex: String(logIndex),
            logId: { keyId: logId.toString('base64') },
            kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
            integratedTime: String(integratedTime),
            inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
            ...(version === '0.3' ? { inclusionProof } : {}),
            canonicalizedBody: body.toString('base64'),
          },
        ],
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') },
        signature: signature.toString('base64'),
      },
    };
    return Buffer.from(JSON.stringify(bundle)).toString('base64');
  }

  /** Writes the trusted root where SIGSTORE_TRUSTED_ROOT can point, and returns the path. */
  function writeTrustedRoot(): string {
    const path = join(dir, 'trusted_root.json');
    writeFileSync(path, JSON.stringify(trustedRoot));
    return path;
  }
  return { trustedRoot, keylessBundle, writeTrustedRoot };
}
