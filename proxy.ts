import NextAuth from 'next-auth';
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { areaFor, mayEnter } from '@/lib/auth/areas';
import { authConfig } from '@/lib/auth/config';
import { authSecret } from '@/lib/env';

type Gate = (req: NextRequest, ev: NextFetchEvent) => Promise<Response | undefined> | Response | undefined;
let gate: Gate | undefined;

/**
 * First gate: signed-out visitors go to sign-in, and a role that does not reach an area gets 403.
 * The pages and services check again; this only saves a render. Only the cookie-reading half of
 * Auth.js is used here (no database), built on the first request so a build needs no secret.
 */
export function proxy(req: NextRequest, ev: NextFetchEvent) {
  gate ??= NextAuth({ ...authConfig, secret: authSecret() }).auth((req) => {
    const { pathname, search } = req.nextUrl;
    const user = req.auth?.user;
    if (!user?.id) {
      const url = new URL('/sign-in', req.nextUrl.origin);
      url.searchParams.set('callbackUrl', pathname + search);
      return NextResponse.redirect(url);
    }
    const area = areaFor(pathname);
    if (area && !mayEnter(area, user.roles ?? [])) {
      // The /forbidden page calls forbidden(), which renders the 403 page with a 403 status.
      return NextResponse.rewrite(new URL('/forbidden', req.nextUrl.origin));
    }
    return NextResponse.next();
  }) as unknown as Gate; // Auth.js types the wrapper for its own request type; it is a plain middleware.
  return gate(req, ev);
}

export const config = {
  // Everything but sign-in, Auth.js's own endpoints, the machine APIs (they use tokens) and assets.
  matcher: ['/((?!sign-in|forbidden|api/|_next/|favicon.ico|icon.svg|robots.txt|openapi.json).*)'],
};
