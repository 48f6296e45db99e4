'use server';

import { AuthError } from 'next-auth';
import { z } from 'zod';
import { signIn, SignInFailed } from '@/lib/auth/auth';
import { signInInput } from '@/lib/auth/schema';

export interface SignInState {
  email?: string;
  error?: string;
  fieldErrors?: { email?: string[]; password?: string[] };
}

/** Only same-site paths: an open redirect after sign-in would be a phishing aid. */
function safeCallback(value: FormDataEntryValue | null): string {
  const s = typeof value === 'string' ? value : '';
  return s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/\\') ? s : '/';
}

/** "Sign in with <IdP>": off to the OpenID provider (Auth.js adds PKCE, state and nonce). */
export async function signInWithSsoAction(form: FormData): Promise<void> {
  await signIn('oidc', { redirectTo: safeCallback(form.get('callbackUrl')) });
}

export async function signInAction(_: SignInState, form: FormData): Promise<SignInState> {
  const email = typeof form.get('email') === 'string' ? String(form.get('email')).slice(0, 254) : '';
  const input = signInInput.safeParse({ email: form.get('email') ?? '', password: form.get('password') ?? '' });
  if (!input.success) return { email, fieldErrors: z.flattenError(input.error).fieldErrors };
  try {
    await signIn('credentials', { ...input.data, redirectTo: safeCallback(form.get('callbackUrl')) });
  } catch (e) {
    if (e instanceof SignInFailed) return { email, error: e.userMessage };
    if (e instanceof AuthError) return { email, error: 'Sign-in failed. Please try again.' };
    throw e; // The redirect after a successful sign-in travels as an exception.
  }
  return {};
}
