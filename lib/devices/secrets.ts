import { createHash, randomBytes, randomInt } from 'node:crypto';
import { DEVICE_TOKEN_PREFIX, deviceTokenPattern, ENROL_ALPHABET, ENROL_CODE_LENGTH } from './schema';

// Codes and tokens are random and long enough that a plain SHA-256 is the right store: there is
// nothing to slow-hash against, and the lookup by hash keeps timing independent of stored values.
export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** A fresh enrolment code: what to show (XXXX-XXXX-XXXX) and what to store (its hash). */
export function newCode(): { code: string; hash: string } {
  let raw = '';
  for (let i = 0; i < ENROL_CODE_LENGTH; i++) raw += ENROL_ALPHABET[randomInt(ENROL_ALPHABET.length)];
  return { code: raw.match(/.{1,4}/g)!.join('-'), hash: sha256Hex(raw) };
}

/** The hash a typed code is stored under, or null when it cannot be a code at all. */
export function codeHash(typed: string): string | null {
  const raw = typed.replace(/[\s-]/g, '').toUpperCase();
  if (raw.length !== ENROL_CODE_LENGTH || [...raw].some((c) => !ENROL_ALPHABET.includes(c))) return null;
  return sha256Hex(raw);
}

export function newDeviceToken(): { token: string; hash: string } {
  const token = DEVICE_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: sha256Hex(token) };
}

/** The hash of the device token in an `Authorization: Bearer pdt_…` header, or null. */
export function bearerTokenHash(authorization: string | null | undefined): string | null {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  return token && deviceTokenPattern.test(token) ? sha256Hex(token) : null;
}
