import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { TooManyRequestsError, UnauthorizedError } from '@/lib/errors';
import { clientAddress } from './client-address';
import { openSession } from './sessions';
import { authConfig, withSecret } from './config';
import { signInInput } from './schema';
import { verifyCredentials } from './sign-in';
import { oidcProviders } from './oidc-provider';
import { signInWithOidc, SsoRefused } from '@/lib/sso/accounts';

/** Carries a reason to the sign-in form; the message is safe to show (no account probing). */
export class SignInFailed extends CredentialsSignin {
  constructor(
    override code: 'invalid_input' | 'invalid' | 'rate_limited',
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth(
  withSecret({
    ...authConfig,
    callbacks: {
      ...authConfig.callbacks,
      /**
       * A person coming back from the OpenID provider: find, link or create their account and apply
       * the IdP's groups (lib/sso/accounts.ts), then open a session row like a password sign-in does.
       * Auth.js passes the same `user` on to the jwt callback, which puts uid and sid in the cookie.
       */
      async signIn({ user, account, profile }) {
        if (account?.provider !== 'oidc') return true;
        try {
          const actor = await signInWithOidc({ ...profile });
          Object.assign(user, { id: actor.id, email: actor.email, name: actor.name, sid: await openSession(actor.id) });
          return true;
        } catch (e) {
          if (e instanceof SsoRefused) return `/sign-in?error=sso_${e.reason}`;
          throw e;
        }
      },
    },
    providers: [
      ...oidcProviders(),
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw, request) {
          const input = signInInput.safeParse(raw);
          if (!input.success) throw new SignInFailed('invalid_input', input.error.issues[0]?.message ?? 'Check your input.');
          try {
            const actor = await verifyCredentials(input.data, clientAddress(request.headers));
            return { id: actor.id, email: actor.email, name: actor.name, sid: await openSession(actor.id) };
          } catch (e) {
            if (e instanceof TooManyRequestsError) throw new SignInFailed('rate_limited', e.message);
            if (e instanceof UnauthorizedError) throw new SignInFailed('invalid', e.message);
            throw e;
          }
        },
      }),
    ],
  }),
);
