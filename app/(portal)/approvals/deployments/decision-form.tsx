'use client';

import { useActionState, useTransition } from 'react';
import { Field, FormError, inputClass } from '@/app/ui/form';
import { decideDeploymentAction } from './actions';

/** Approve or reject one version of a deployment; a rejection needs its reason. */
export function DeploymentDecisionForm({ deploymentId, version }: { deploymentId: string; version: number }) {
  const [state, dispatch] = useActionState(decideDeploymentAction, {});
  const [pending, startTransition] = useTransition();
  const commentError = state.fieldErrors?.comment?.[0];
  const id = `comment-${deploymentId}`;
  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget, (e.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(form));
  };
  return (
    <form onSubmit={onSubmit} noValidate className="mt-3 space-y-3">
      <FormError state={state.error === commentError ? { success: state.success } : state} />
      <input type="hidden" name="deploymentId" value={deploymentId} />
      <input type="hidden" name="version" value={version} />
      <Field label="Comment" name={id} error={commentError} hint="Required when you reject.">
        <textarea id={id} name="comment" rows={2} maxLength={2000} className={inputClass} />
      </Field>
      <div className="flex flex-wrap gap-3">
        <button
          type="submit"
          name="decision"
          value="approved"
          disabled={pending}
          className="rounded-md bg-emerald-600 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-500 disabled:opacity-60"
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
