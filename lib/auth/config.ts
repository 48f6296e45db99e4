import type { NextAuthConfig } from 'next-auth';
import { authSecret } from '@/lib/env';
import { SESSION_SECONDS } from './session-length';

// The cookie names a session row (see sessions.ts) and carries no roles: roles and whether the
// session still counts are read from the database on every request.
declare module 'next-auth' {
  interface Session {
    user: { id: string; sid: string; name?: string | null; email?: string | null };
  }
  interface User {
    sid?: string;
  }
}
declare module '@auth/core/jwt' {
  interface JWT {
    uid?: string;
    sid?: string;
  }
}

/**
 * The part of the Auth.js configuration that needs no database, shared by the proxy (which
 * only reads the session cookie) and the full configuration in auth.ts. The secret is added
 * when a request first needs it (see `withSecret`), so a build needs no secret.
 */
export const authConfig = {
  trustHost: true,
  session: { strategy: 'jwt', maxAge: SESSION_SECONDS },
  // Errors of the OpenID flow (a wrong state or nonce, a refused account) are shown on the sign-in page.
  pages: { signIn: '/sign-in', error: '/sign-in' },
  providers: [],
  logger: {
    // A refused sign-in is an expected outcome (and is recorded), not a server error.
    error(error) {
      if ((error as { type?: string }).type === 'CredentialsSignin') return;
      console.error(error);
    },
  },
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.sid = user.sid;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.uid ?? '';
      session.user.sid = token.sid ?? '';
      return session;
    },
  },
} satisfies NextAuthConfig;

/** Auth.js's lazy configuration form: the secret is read at request time, never at build time. */
export function withSecret<T extends NextAuthConfig>(config: T): () => T & { secret: string } {
  return () => ({ ...config, secret: authSecret() });
}
