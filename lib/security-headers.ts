/**
 * The portal's Content Security Policy for one page view: scripts only from the portal itself or
 * carrying this request's nonce, no plugins, no framing by anyone (approval pages must not be
 * clickjacked), forms only to the portal. Styles may be inline (React style attributes).
 * Development adds 'unsafe-eval', which React's dev tooling needs. `signInOrigin` is the OpenID
 * provider's origin: "Sign in with …" posts to the portal, which redirects there (form-action covers redirects).
 */
export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development', signInOrigin?: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${signInOrigin ? ` ${signInOrigin}` : ''}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers for every response, pages and APIs alike (set in next.config.ts). */
export const securityHeaders: { key: string; value: string }[] = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];
