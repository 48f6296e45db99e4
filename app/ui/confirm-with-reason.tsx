'use client';

import { startTransition } from 'react';
import type { ActionState } from './action-state';
import { confirmOnceReasoned, Field, FormError, inputClass, submitKeepingInput } from './form';

/**
 * A destructive step that must be explained: a reason field and a danger button. The reason is
 * checked before anyone is asked "are you sure?": with none, the form goes to the service as it
 * is and its "give the reason" appears, instead of a confirmation for something that cannot
 * happen yet. With one, `confirmMessage` (if any) is asked, and Cancel sends nothing.
 *
 * `stacked` puts the reason's error beside the field; `inline` (a row of controls) puts every
 * answer under the row, where a narrow field has no room for it.
 */
export function ConfirmWithReason({
  actionState: [state, dispatch, pending],
  reasonLabel,
  submitLabel,
  pendingLabel,
  confirmMessage,
  hint,
  fieldId = 'reason',
  layout = 'stacked',
  multiline = layout === 'stacked',
  inputClassName = '',
  children,
}: {
  /**
   * What `useActionState` gave the caller: the caller keeps it, so that the step's outcome can
   * still be shown once it has happened and this form is gone.
   */
  actionState: [ActionState, (form: FormData) => void, boolean];
  reasonLabel: string;
  submitLabel: string;
  pendingLabel?: string;
  confirmMessage?: string;
  hint?: string;
  /** Unique on the page where a list offers the step on each row; the field's name stays `reason`. */
  fieldId?: string;
  layout?: 'stacked' | 'inline';
  multiline?: boolean;
  /** Width of the reason field in an inline row (`w-64`). */
  inputClassName?: string;
  /** Hidden inputs, or a word of what the step does, shown above the field. */
  children?: React.ReactNode;
}) {
  const reasonError = state.fieldErrors?.reason?.[0];
  const besideField = layout === 'stacked' ? reasonError : undefined;
  const answerId = `${fieldId}-answer`;
  const control = {
    id: fieldId,
    name: 'reason',
    maxLength: 2000,
    className: `${inputClass} ${inputClassName}`,
    // Inline, the answer under the row is what describes an invalid reason.
    ...(layout === 'inline' && reasonError ? { 'aria-invalid': true, 'aria-describedby': answerId } : {}),
  };
  const answer = (
    <div id={answerId} className="w-full">
      <FormError state={besideField && state.error === besideField ? {} : state} />
    </div>
  );
  return (
    <form
      onSubmit={submitKeepingInput(dispatch, startTransition)}
      noValidate
      className={layout === 'inline' ? 'flex flex-wrap items-end gap-2' : 'space-y-3'}
    >
      {children}
      {layout === 'stacked' && answer}
      <Field label={reasonLabel} name={fieldId} error={besideField} hint={hint}>
        {multiline ? <textarea rows={2} {...control} /> : <input {...control} />}
      </Field>
      <button
        type="submit"
        disabled={pending}
        onClick={confirmMessage ? confirmOnceReasoned(confirmMessage) : undefined}
        className="rounded-md border border-red-600 bg-white px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 disabled:opacity-60"
      >
        {pending && pendingLabel ? pendingLabel : submitLabel}
      </button>
      {layout === 'inline' && answer}
    </form>
  );
}
