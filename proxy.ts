import NextAuth from 'next-auth';
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { authConfig } from '@/lib/auth/config';
import { authSecret, env } from '@/lib/env';
import { contentSecurityPolicy } from '@/lib/security-headers';

type Gate = (req: NextRequest, ev: NextFetchEvent) => Promise<Response | undefined> | Response | undefined;
let gate: Gate | undefined;

/** Pages anyone may open, signed in or not (an approval mail's link carries its own credential). */
const open = (pathname: string) => /^\/(sign-in|forbidden|approval-link)(\/|$)/.test(pathname);

/**
 * First gate for every page: a fresh CSP nonce (Next.js puts it on its own scripts when the
 * request carries the policy), and signed-out visitors go to sign-in. Roles are not judged here:
 * the cookie carries none, and each page and service checks the database's current roles. Only
 * the cookie-reading half of Auth.js is used (no database), built on the first request so a
 * build needs no secret.
 */
export function proxy(req: NextRequest, ev: NextFetchEvent) {
  gate ??= NextAuth({ ...authConfig, secret: authSecret() }).auth((req) => {
    const { pathname, search } = req.nextUrl;
    const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
    const policy = contentSecurityPolicy(nonce, undefined, env.OIDC_ISSUER ? new URL(env.OIDC_ISSUER).origin : undefined);
    if (!open(pathname) && !req.auth?.user?.sid) {
      const url = new URL('/sign-in', req.nextUrl.origin);
      url.searchParams.set('callbackUrl', pathname + search);
      return NextResponse.redirect(url);
    }
    const headers = new Headers(req.headers);
    headers.set('x-nonce', nonce);
    headers.set('Content-Security-Policy', policy);
    const res = NextResponse.next({ request: { headers } });
    res.headers.set('Content-Security-Policy', policy);
    return res;
  }) as unknown as Gate; // Auth.js types the wrapper for its own request type; it is a plain middleware.
  return gate(req, ev);
}

export const config = {
  // Every page, including sign-in and the 403 page; not the machine APIs (tokens, JSON, SCIM) or assets.
  matcher: ['/((?!api/|scim/|_next/static|_next/image|favicon.ico|icon.svg|robots.txt|openapi.json).*)'],
};
