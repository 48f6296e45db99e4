import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { TooManyRequestsError, UnauthorizedError } from '@/lib/errors';
import { clientAddress } from './client-address';
import { openSession } from './sessions';
import { authConfig, withSecret } from './config';
import { signInInput } from './schema';
import { verifyCredentials } from './sign-in';

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
    providers: [
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
