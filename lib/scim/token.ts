import { createHash, timingSafeEqual } from 'node:crypto';
import { env } from '@/lib/env';
import { ScimError } from './errors';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks "Authorization: Bearer <SCIM_TOKEN>". Both sides are hashed first so the comparison is
 * constant-time whatever the lengths. With no SCIM_TOKEN configured, SCIM is off (401 for everyone).
 */
export function assertScimToken(authorization: string | null, expected: string | undefined = env.SCIM_TOKEN): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const ok = !!expected && !!match && timingSafeEqual(digest(match[1]!), digest(expected));
  if (!ok) throw new ScimError(401, 'A valid bearer token is required.');
}
