'use client';

import { useActionState, useEffect, useRef, useTransition } from 'react';
import { Field, FormError, inputClass } from '@/app/ui/form';
import { decideAction } from '../actions';

/**
 * Approve or reject with a comment. It stays mounted when the page refreshes after a lost race,
 * so the "someone else decided first" message is still shown once the form itself is gone.
 */
export function DecisionForm({ requestId, stage, canDecide }: { requestId: string; stage: number | null; canDecide: boolean }) {
  const [state, dispatch] = useActionState(decideAction, {});
  const [pending, startTransition] = useTransition();
  const commentError = state.fieldErrors?.comment?.[0];
  const comment = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (commentError) comment.current?.focus();
  }, [commentError, state]);

  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    // The clicked button says which decision; FormData only includes it when given the submitter.
    const form = new FormData(e.currentTarget, (e.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(form));
  };

  if (!canDecide)
    return state.error ? (
      <div className="mt-3">
        <FormError state={state} />
      </div>
    ) : null;
  return (
    <form onSubmit={onSubmit} noValidate className="mt-3 space-y-4">
      {/* A single field error is shown beside its field only. */}
      <FormError state={state.error === commentError ? {} : state} />
      <input type="hidden" name="requestId" value={requestId} />
      {stage !== null && <input type="hidden" name="stage" value={stage} />}
      <Field label="Comment" name="comment" error={commentError} hint="Required when you reject; the requester sees it.">
        <textarea id="comment" ref={comment} name="comment" rows={4} maxLength={2000} className={inputClass} />
      </Field>
      <div className="flex flex-wrap gap-3">
        <button
          type="submit"
          name="decision"
          value="approved"
          disabled={pending}
          className="rounded-md bg-emerald-700 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-emerald-800 disabled:opacity-60"
        >
          Approve
        </button>
        <button
          type="submit"
          name="decision"
          value="rejected"
          disabled={pending}
          className="rounded-md border border-red-600 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60"
        >
          Reject
        </button>
      </div>
    </form>
  );
}
