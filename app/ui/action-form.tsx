'use client';

import { startTransition, useActionState } from 'react';
import type { ActionState } from './action-state';
import { FormError, submitKeepingInput } from './form';

/**
 * A form bound to one server action: its fields, a submit button and the action's answer. For the
 * many small forms (add a key, revoke, import files) that need no state of their own.
 */
export function ActionForm({
  action,
  submitLabel,
  className = 'flex flex-wrap items-end gap-2',
  danger,
  children,
  testId,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  submitLabel: string;
  className?: string;
  danger?: boolean;
  children?: React.ReactNode;
  testId?: string;
}) {
  const [state, dispatch, busy] = useActionState(action, {});
  return (
    <form onSubmit={submitKeepingInput(dispatch, startTransition)} className={className} data-testid={testId}>
      {children}
      <button
        type="submit"
        disabled={busy}
        className={`rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60 ${
          danger ? 'border-red-600 text-red-700 hover:bg-red-50' : 'border-indigo-700 bg-indigo-700 text-white hover:bg-indigo-800'
        }`}
      >
        {submitLabel}
      </button>
      <div className="w-full">
        <FormError state={state} />
      </div>
    </form>
  );
}
