import type { Bundle } from '@sigstore/bundle';
import { toSignedEntity, VerificationError, Verifier } from '@sigstore/verify';
import type { PublisherKey } from '@/db/schema';
import { ValidationError } from '@/lib/errors';
import { loadSigstoreTrustRoot } from './sigstore-trust-root';

const refuse = (reason: string) => new ValidationError(reason, 'signature');

/** Why a certificate-path failure refused the bundle, in the words the refusal reasons use. */
function reasonFor(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = e instanceof VerificationError ? e.code : '';
  if (code === 'CERTIFICATE_ERROR')
    return `Signature refused: unknown key — the signing certificate does not chain to a trusted Sigstore CA or was not valid when logged (${msg}).`;
  if (code.startsWith('TLOG') || code === 'TIMESTAMP_ERROR')
    return `Signature refused: bad signature — no trusted transparency-log entry or timestamp vouches for it (${msg}).`;
  return `Signature refused: bad signature — it does not match this file (${msg}).`;
}

/**
 * Verifies a keyless Sigstore bundle (a Fulcio-style certificate naming the signer) offline
 * against the configured trust root: the certificate must chain to a trusted CA and be valid at a
 * verified timestamp (a transparency-log entry whose signed entry timestamp a trusted log key
 * signed, or an RFC 3161 timestamp from a trusted TSA), the log entry must match the signature,
 * and the signature must match the artifact. The identity (certificate SAN and OIDC issuer) must
 * then equal one the product trusts — compared exactly here, because the library's SAN policy is
 * an unanchored regular expression (`a.b@x.test` would also accept `a-b@x.test.evil`).
 * Returns the matching identity row; the caller checks its revocation and retirement.
 */
export function verifyKeylessBundle(identities: PublisherKey[], bundle: Bundle, artifact: Buffer): { row: PublisherKey; signer: string } {
  const root = loadSigstoreTrustRoot();
  if (!root)
    throw refuse(
      'Signature refused: unknown key — keyless Sigstore bundles need a trust root, and none is configured (SIGSTORE_TRUSTED_ROOT).',
    );
  if (identities.length === 0)
    throw refuse(
      'Signature refused: identity mismatch — this product trusts no keyless Sigstore identity (certificate SAN and OIDC issuer).',
    );

  const verifier = new Verifier(root.material, { tlogThreshold: 1, timestampThreshold: 1, ctlogThreshold: root.ctlogThreshold });
  let identity;
  try {
    identity = verifier.verify(toSignedEntity(bundle, artifact)).identity;
  } catch (e) {
    throw refuse(reasonFor(e));
  }
  const san = identity?.subjectAlternativeName;
  const issuer = identity?.extensions?.issuer;
  const row = identities.find((k) => k.identity === san && k.oidcIssuer === issuer);
  if (!row)
    throw refuse(
      `Signature refused: identity mismatch — signed by ${san ?? 'no identity'} (issuer ${issuer ?? 'none'}), which is not a trusted identity of this product.`,
    );
  return { row, signer: `${san} (${issuer})` };
}
