'use client';

import { useActionState } from 'react';
import { Field, FormError, inputClass } from '@/app/ui/form';
import { decideByLinkAction } from './actions';

/** One button: approve (with an optional comment), or reject with the reason the requester will read. */
export function LinkDecisionForm({ token, rejecting }: { token: string; rejecting: boolean }) {
  const [state, action, pending] = useActionState(decideByLinkAction, {});
  const commentError = state.fieldErrors?.comment?.[0];
  if (state.success)
    return (
      <div className="mt-5" data-testid="link-decided">
        <FormError state={state} />
      </div>
    );
  return (
    <form action={action} noValidate className="mt-5 space-y-4">
      <FormError state={state.error === commentError ? {} : state} />
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="decision" value={rejecting ? 'rejected' : 'approved'} />
      <Field
        label={rejecting ? 'Reason' : 'Comment (optional)'}
        name="comment"
        error={commentError}
        hint={rejecting ? 'Required; the requester sees it.' : undefined}
      >
        <textarea id="comment" name="comment" rows={3} maxLength={2000} required={rejecting} className={inputClass} />
      </Field>
      <button
        type="submit"
        disabled={pending}
        className={
          rejecting
            ? 'w-full rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60 sm:w-auto'
            : 'w-full rounded-md bg-emerald-800 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-900 disabled:opacity-60 sm:w-auto'
        }
      >
        {rejecting ? 'Reject' : 'Approve'}
      </button>
    </form>
  );
}
