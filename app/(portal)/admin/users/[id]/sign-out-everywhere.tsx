'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/ui/form';
import { signOutEverywhereAction } from './actions';

/** Ends all of a user's sessions (a lost laptop, a leaver, a suspected stolen cookie). */
export function SignOutEverywhere({ userId }: { userId: string }) {
  const [state, dispatch, pending] = useActionState(signOutEverywhereAction.bind(null, userId), {});
  return (
    <form action={dispatch} className="space-y-3">
      <FormError state={state} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-50"
      >
        Sign out everywhere
      </button>
    </form>
  );
}
