import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { currentActor } from '@/lib/auth/session';
import { localSignInEnabled, oidcDisplayName, oidcEnabled } from '@/lib/sso/settings';
import { signInWithSsoAction } from './actions';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

/** What went wrong on the way back from the identity provider, in words a person can act on. */
const ssoErrors: Record<string, string> = {
  sso_unverified_email:
    'Your identity provider has not verified your e-mail address, so it cannot be linked to a portal account. Ask your administrator.',
  sso_unknown_user: 'There is no portal account for you yet. Ask your administrator for access.',
  sso_disabled: 'Your portal account is disabled.',
  sso_conflict: 'Your portal account is already linked to another identity at your identity provider. Ask your administrator.',
  sso_invalid_claims: 'Your identity provider sent an incomplete answer. Please try again.',
};

function errorMessage(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return ssoErrors[code] ?? 'Sign-in failed. Please try again.';
}

interface Search {
  callbackUrl?: string;
  error?: string;
  'break-glass'?: string;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Search> }) {
  // "/" sends each person to their landing page (the catalogue; a supplier's people to /supplier).
  if (await currentActor()) redirect('/');
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === 'string' ? params.callbackUrl : '/';
  const error = errorMessage(typeof params.error === 'string' ? params.error : undefined);
  const sso = oidcEnabled();
  // With local sign-in off, the password form is only for administrators, behind ?break-glass=1.
  const breakGlass = !localSignInEnabled() && params['break-glass'] === '1';
  const showPasswordForm = localSignInEnabled() || breakGlass || !sso;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          {/* eslint-disable-next-line @next/next/no-img-element -- a static SVG needs no optimisation */}
          <img src="/icon.svg" alt="" className="mx-auto h-12 w-12" />
          <h1 className="mt-4 text-2xl font-semibold">Software Portal</h1>
          <p className="mt-1 text-sm text-slate-600">Sign in to request software for your devices.</p>
        </div>
        <div className="space-y-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          {error && (
            <p role="alert" data-testid="sso-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {error}
            </p>
          )}
          {sso && !breakGlass && (
            <form action={signInWithSsoAction}>
              <input type="hidden" name="callbackUrl" value={callbackUrl} />
              <button
                type="submit"
                className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-500"
              >
                Sign in with {oidcDisplayName()}
              </button>
            </form>
          )}
          {sso && showPasswordForm && !breakGlass && (
            <p className="text-center text-xs uppercase tracking-wide text-slate-500">or with a local account</p>
          )}
          {breakGlass && (
            <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Break-glass sign-in: administrators only, for when single sign-on is unavailable. It is recorded in the audit log.
            </p>
          )}
          {showPasswordForm && <SignInForm callbackUrl={callbackUrl} />}
          {sso && !showPasswordForm && (
            <p className="text-center text-xs text-slate-500">
              <Link href="/sign-in?break-glass=1" className="underline">
                Administrator break-glass sign-in
              </Link>
            </p>
          )}
        </div>
      </div>
    </main>
  );
}
