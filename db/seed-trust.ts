import { and, eq } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import type { DmlStorage } from '../lib/dml/storage';
import { parseSbom } from '../lib/trust/sbom';
import type { Db } from './index';
import * as s from './schema';

/**
 * Demo trust data: KeePassXC's publisher key (generated here, so no private key lives in the
 * repository), detached signatures over every file of its current release, and a CycloneDX SBOM.
 * Written straight into the tables like the rest of the seed; running it again adds nothing.
 */
export async function seedTrust(db: Db, storage: DmlStorage, librarianId: string): Promise<void> {
  const product = await db.query.products.findFirst({ where: eq(s.products.slug, 'keepassxc') });
  if (!product) return;
  if (await db.query.publisherKeys.findFirst({ where: eq(s.publisherKeys.productId, product.id) })) return;
  const release = await db.query.releases.findFirst({
    where: and(eq(s.releases.productId, product.id), eq(s.releases.version, '2.7.10')),
  });
  if (!release) return;
  const files = await db.select().from(s.artifacts).where(eq(s.artifacts.releaseId, release.id));

  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'KeePassXC Release Signing (demo)', email: 'release@keepassxc.example' }],
    format: 'armored',
  });
  const signingKeys = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  const signatures: { artifactId: string; signature: string }[] = [];
  for (const a of files) {
    const chunks: Buffer[] = [];
    for await (const c of await storage.read(a.storageKey)) chunks.push(c as Buffer);
    const message = await openpgp.createMessage({ binary: Buffer.concat(chunks) });
    const sig = await openpgp.sign({ message, signingKeys, detached: true, format: 'armored' });
    signatures.push({ artifactId: a.id, signature: Buffer.from(sig as string).toString('base64') });
  }
  const sbomBytes = Buffer.from(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: { component: { type: 'application', name: 'KeePassXC', version: '2.7.10', purl: 'pkg:generic/keepassxc@2.7.10' } },
      components: [
        {
          type: 'library',
          name: 'qtbase',
          version: '5.15.16',
          purl: 'pkg:generic/qt/qtbase@5.15.16',
          licenses: [{ license: { id: 'LGPL-3.0-only' } }],
        },
        {
          type: 'library',
          name: 'botan',
          version: '3.6.1',
          purl: 'pkg:github/randombit/botan@3.6.1',
          licenses: [{ license: { id: 'BSD-2-Clause' } }],
        },
        { type: 'library', name: 'zlib', version: '1.3.1', purl: 'pkg:generic/zlib@1.3.1', licenses: [{ license: { id: 'Zlib' } }] },
        { type: 'library', name: 'libargon2', version: '20190702', licenses: [{ license: { id: 'CC0-1.0' } }] },
      ],
    }),
  );
  const sbom = parseSbom(sbomBytes);
  const stored = await storage.put(
    (async function* () {
      yield new Uint8Array(sbomBytes);
    })(),
  );
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(s.publisherKeys)
      .values({
        productId: product.id,
        kind: 'openpgp',
        label: 'KeePassXC release key',
        fingerprint: key.getFingerprint(),
        identity: 'KeePassXC Release Signing (demo) <release@keepassxc.example>',
        publicKey,
        createdById: librarianId,
      })
      .returning({ id: s.publisherKeys.id });
    const signer = `KeePassXC Release Signing (demo) <release@keepassxc.example> (${key.getFingerprint()})`;
    if (signatures.length)
      await tx.insert(s.artifactSignatures).values(signatures.map((x) => ({ ...x, keyId: row!.id, kind: 'openpgp' as const, signer })));
    await tx.insert(s.releaseDocuments).values({
      releaseId: release.id,
      kind: 'sbom',
      format: sbom.format,
      sha256: stored.sha256,
      storageKey: stored.key,
      sizeBytes: stored.size,
    });
    await tx.insert(s.sbomComponents).values(sbom.components.map((c) => ({ ...c, releaseId: release.id })));
  });
}
