'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/ui/form';
import { retryJobAction } from './actions';

export function RetryButton({ name, id }: { name: string; id: string }) {
  const [state, dispatch, pending] = useActionState(retryJobAction, {});
  return (
    <form action={dispatch} className="space-y-1">
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="id" value={id} />
      <FormError state={state} />
      {state.success ? (
        <p role="status" className="text-xs text-emerald-700">
          {state.success}
        </p>
      ) : (
        <button
          type="submit"
          disabled={pending}
          className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-50"
        >
          Retry
        </button>
      )}
    </form>
  );
}
