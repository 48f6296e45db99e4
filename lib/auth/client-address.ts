import { env } from '@/lib/env';

/**
 * The client's address for rate limiting. Next.js's server sets X-Forwarded-For from the socket;
 * behind a trusted reverse proxy (TRUST_PROXY=true) the left-most entry is the original client,
 * otherwise only the right-most one (added by our own server) can be believed.
 */
export function clientAddress(headers: Headers): string {
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const picked = env.TRUST_PROXY === 'true' ? entries[0] : entries.at(-1);
  return picked ?? headers.get('x-real-ip') ?? 'unknown';
}
