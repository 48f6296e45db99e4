import NextAuth from 'next-auth';
import { NextResponse } from 'next/server';
import { areaFor, mayEnter } from '@/lib/auth/areas';
import { authConfig, withSecret } from '@/lib/auth/config';

// Only the cookie-reading half of Auth.js: the proxy never touches the database.
const { auth } = NextAuth(withSecret(authConfig));

/**
 * First gate: signed-out visitors go to sign-in, and a role that does not reach an area gets 403.
 * The pages and services check again; this only saves a render.
 */
export const proxy = auth((req) => {
  const { pathname, search } = req.nextUrl;
  const user = req.auth?.user;
  if (!user?.id) {
    const url = new URL('/sign-in', req.nextUrl.origin);
    url.searchParams.set('callbackUrl', pathname + search);
    return NextResponse.redirect(url);
  }
  const area = areaFor(pathname);
  if (area && !mayEnter(area, user.roles ?? [])) {
    return NextResponse.rewrite(new URL('/forbidden', req.nextUrl.origin), { status: 403 });
  }
  return NextResponse.next();
});

export const config = {
  // Everything but sign-in, Auth.js's own endpoints, the machine APIs (they use tokens) and assets.
  matcher: ['/((?!sign-in|forbidden|api/|_next/|favicon.ico|icon.svg|robots.txt).*)'],
};
