import { readFileSync } from 'node:fs';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { env } from '@/lib/env';

/**
 * The Sigstore trust root for keyless (Fulcio certificate) bundles, read from the file named by
 * `SIGSTORE_TRUSTED_ROOT` (lib/env.ts; a TrustedRoot JSON: certificateAuthorities, tlogs, ctlogs,
 * timestampAuthorities — e.g. `trusted_root.json` from the public good instance's TUF repository,
 * or a private deployment's). Nothing is fetched: verification is fully offline. Read at each
 * verification so an operator can rotate the file without a restart; it is small.
 */
export function loadSigstoreTrustRoot(): { material: TrustMaterial; ctlogThreshold: number } | null {
  const path = env.SIGSTORE_TRUSTED_ROOT;
  if (!path) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`SIGSTORE_TRUSTED_ROOT (${path}) cannot be read as JSON: ${(e as Error).message}`);
  }
  const root = TrustedRoot.fromJSON(json);
  return {
    // Public-key bundles are verified against the product's registered keys, never this root.
    material: toTrustMaterial(root, {}),
    // A private deployment without a CT log cannot embed SCTs; require one only when the root lists CT logs.
    ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0,
  };
}
