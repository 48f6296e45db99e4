import { createPublicKey } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { getDb } from '@/db';
import { artifacts, artifactSignatures, publisherKeys, releaseReviews } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { ConflictError, NotFoundError, ValidationError, assertId } from '@/lib/errors';

export interface AddKeyInput {
  kind: 'openpgp' | 'sigstore';
  label: string;
  publicKey: string;
  /** Sigstore only: the key hint bundles name, and whom it stands for. */
  hint?: string;
  identity?: string;
  /**
   * Sigstore keyless: the OIDC issuer the Fulcio certificate must name (e.g.
   * https://token.actions.githubusercontent.com). With it, `identity` is the certificate SAN
   * (an email or URI) and no public key is given: the configured trust root vouches for the key.
   */
  issuer?: string;
}

/** Reads what a key says about itself; an unreadable key is a 422 on `publicKey`. */
async function describeKey(input: AddKeyInput) {
  if (input.kind === 'openpgp') {
    if (input.issuer) throw new ValidationError('An OIDC issuer belongs to a Sigstore keyless identity only.', 'issuer');
    let key: openpgp.Key;
    try {
      key = await openpgp.readKey({ armoredKey: input.publicKey });
    } catch {
      throw new ValidationError('Paste an armored OpenPGP public key (gpg --armor --export).', 'publicKey');
    }
    if (key.isPrivate()) throw new ValidationError('This is a private key; paste the public key only.', 'publicKey');
    const expiry = await key.getExpirationTime();
    const user = await key.getPrimaryUser().catch(() => null);
    return {
      fingerprint: key.getFingerprint(),
      identity: input.identity || user?.user.userID?.userID || key.getFingerprint(),
      publicKey: key.armor(),
      expiresAt: expiry instanceof Date ? expiry : null,
    };
  }
  if (input.issuer) {
    if (!/^https?:\/\/\S+$/.test(input.issuer)) throw new ValidationError('Give the OIDC issuer as a URL.', 'issuer');
    if (!input.identity) throw new ValidationError('Give the identity the certificate names (its SAN: an email or URI).', 'identity');
    if (input.publicKey.trim()) throw new ValidationError('A keyless identity takes no public key; leave it empty.', 'publicKey');
    return {
      fingerprint: `${input.identity} via ${input.issuer}`,
      identity: input.identity,
      oidcIssuer: input.issuer,
      publicKey: '',
      expiresAt: null,
    };
  }
  if (!input.hint) throw new ValidationError('Give the key hint the Sigstore bundles name.', 'hint');
  try {
    const pem = createPublicKey(input.publicKey).export({ type: 'spki', format: 'pem' }).toString();
    return { fingerprint: input.hint, identity: input.identity || input.hint, publicKey: pem, expiresAt: null };
  } catch {
    throw new ValidationError('Paste a PEM public key (cosign.pub).', 'publicKey');
  }
}

/** A librarian trusts a new publisher key for a product. */
export async function addPublisherKey(actor: Actor, productId: string, input: AddKeyInput): Promise<{ id: string }> {
  assertRole(actor, 'librarian', 'admin');
  assertId(productId, 'No such product.', 'product');
  const described = await describeKey(input);
  return getDb().transaction(async (tx) => {
    const dup = await tx.query.publisherKeys.findFirst({
      where: and(eq(publisherKeys.productId, productId), eq(publisherKeys.fingerprint, described.fingerprint)),
    });
    if (dup) throw new ConflictError('This key is already registered for the product.', 'publicKey');
    const [row] = await tx
      .insert(publisherKeys)
      .values({ productId, kind: input.kind, label: input.label, createdById: actor.id, ...described })
      .returning({ id: publisherKeys.id });
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'publisher_key.added',
        entityType: 'publisher_key',
        entityId: row!.id,
        after: {
          productId,
          kind: input.kind,
          fingerprint: described.fingerprint,
          identity: described.identity,
          issuer: input.issuer ?? null,
        },
      },
      tx,
    );
    return { id: row!.id };
  });
}

/** Rotation: the old key stays valid for signatures until `until`, then is retired. */
export async function retirePublisherKey(actor: Actor, keyId: string, until: Date): Promise<void> {
  assertRole(actor, 'librarian', 'admin');
  assertId(keyId, 'No such key.', 'key');
  await getDb().transaction(async (tx) => {
    const [updated] = await tx
      .update(publisherKeys)
      .set({ retiredAt: until })
      .where(and(eq(publisherKeys.id, keyId), isNull(publisherKeys.revokedAt)))
      .returning({ id: publisherKeys.id });
    if (!updated) throw new NotFoundError('No such active key.', 'key');
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'publisher_key.retired',
        entityType: 'publisher_key',
        entityId: keyId,
        after: { until },
      },
      tx,
    );
  });
}

/**
 * Revocation: the key is never accepted again, and every release with an artifact it signed is
 * flagged for review, in the same transaction as the audit entry.
 */
export async function revokePublisherKey(actor: Actor, keyId: string, reason: string): Promise<{ flagged: number }> {
  assertRole(actor, 'librarian', 'admin');
  assertId(keyId, 'No such key.', 'key');
  if (!reason.trim()) throw new ValidationError('Give the reason for revoking the key.', 'reason');
  return getDb().transaction(async (tx) => {
    const [key] = await tx
      .update(publisherKeys)
      .set({ revokedAt: new Date(), revokeReason: reason.trim() })
      .where(and(eq(publisherKeys.id, keyId), isNull(publisherKeys.revokedAt)))
      .returning();
    if (!key) throw new ConflictError('This key does not exist or is already revoked.', 'key');
    const signed = await tx
      .selectDistinct({ releaseId: artifacts.releaseId })
      .from(artifactSignatures)
      .innerJoin(artifacts, eq(artifacts.id, artifactSignatures.artifactId))
      .where(eq(artifactSignatures.keyId, keyId));
    if (signed.length)
      await tx
        .insert(releaseReviews)
        .values(signed.map((s) => ({ releaseId: s.releaseId, keyId, reason: `Signed with revoked key ${key.label}: ${reason.trim()}` })));
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'publisher_key.revoked',
        entityType: 'publisher_key',
        entityId: keyId,
        after: { reason: reason.trim(), releasesFlagged: signed.map((s) => s.releaseId) },
      },
      tx,
    );
    return { flagged: signed.length };
  });
}

export async function listPublisherKeys(productId: string) {
  return getDb()
    .select({
      id: publisherKeys.id,
      kind: publisherKeys.kind,
      label: publisherKeys.label,
      fingerprint: publisherKeys.fingerprint,
      identity: publisherKeys.identity,
      oidcIssuer: publisherKeys.oidcIssuer,
      expiresAt: publisherKeys.expiresAt,
      retiredAt: publisherKeys.retiredAt,
      revokedAt: publisherKeys.revokedAt,
    })
    .from(publisherKeys)
    .where(eq(publisherKeys.productId, productId))
    .orderBy(asc(publisherKeys.createdAt));
}
