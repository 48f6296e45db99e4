'use client';

import { startTransition, useActionState } from 'react';
import type { ActionState } from '@/app/ui/action-state';
import { ConfirmWithReason } from '@/app/ui/confirm-with-reason';
import { FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import type { ReleaseStatus } from '@/db/schema';
import { deleteDraftAction, deprecateAction, publishAction, removeArtifactAction, withdrawAction } from './release-actions';

const button = 'rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60';

/** The lifecycle actions a release in this state offers. */
export function ReleaseControls({
  releaseId,
  slug,
  status,
  requireChangeRef,
}: {
  releaseId: string;
  slug: string;
  status: ReleaseStatus;
  requireChangeRef: boolean;
}) {
  const [publishState, publish, publishing] = useActionState(publishAction.bind(null, releaseId, slug), {});
  const withdrawing = useActionState(withdrawAction.bind(null, releaseId, slug), {});
  const [simpleState, simple, simpleBusy] = useActionState(
    (_: ActionState, kind: 'deprecate' | 'delete') =>
      kind === 'deprecate' ? deprecateAction(releaseId, slug) : deleteDraftAction(releaseId, slug),
    {},
  );

  if (status === 'withdrawn') return null;
  return (
    <div className="mt-3 flex flex-wrap items-start gap-4">
      {status === 'draft' && (
        <form onSubmit={submitKeepingInput(publish, startTransition)} className="flex flex-wrap items-end gap-2">
          <label className="text-sm font-medium text-slate-700">
            Change reference{requireChangeRef ? ' (required)' : ''}
            <input
              name="changeRef"
              className={`${inputClass} w-40`}
              maxLength={64}
              placeholder="CHG0012345"
              aria-label="Change reference"
            />
          </label>
          <label className="text-sm font-medium text-slate-700">
            Policy override (change ref.)
            <input name="overrideRef" className={`${inputClass} w-40`} maxLength={64} aria-label="Policy override change reference" />
          </label>
          <button
            type="submit"
            disabled={publishing}
            className={`${button} border-emerald-700 bg-emerald-700 text-white hover:bg-emerald-800`}
          >
            Publish
          </button>
          <div className="w-full">
            <FormError state={publishState} />
          </div>
        </form>
      )}
      {status === 'published' && (
        <button
          type="button"
          disabled={simpleBusy}
          onClick={() => startTransition(() => simple('deprecate'))}
          className={`${button} border-amber-500 text-amber-800 hover:bg-amber-50`}
        >
          Deprecate
        </button>
      )}
      {(status === 'published' || status === 'deprecated') && (
        <ConfirmWithReason
          actionState={withdrawing}
          layout="inline"
          fieldId={`reason-${releaseId}`}
          inputClassName="w-64"
          reasonLabel="Reason for withdrawal"
          submitLabel="Withdraw"
          confirmMessage="Withdraw this release? It can never be downloaded again."
        />
      )}
      {status === 'draft' && (
        <button
          type="button"
          disabled={simpleBusy}
          onClick={() => confirm('Delete this draft and its artifacts?') && startTransition(() => simple('delete'))}
          className={`${button} border-slate-300 text-slate-700 hover:bg-slate-50`}
        >
          Delete draft
        </button>
      )}
      <FormError state={simpleState} />
    </div>
  );
}

export function RemoveArtifactButton({ artifactId, slug }: { artifactId: string; slug: string }) {
  const [state, remove, busy] = useActionState(() => removeArtifactAction(artifactId, slug), {});
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => startTransition(() => remove())}
        className="text-xs font-medium text-red-700 hover:underline"
      >
        Remove
      </button>
      {state.error && <span className="ml-2 text-xs text-red-700">{state.error}</span>}
    </>
  );
}
