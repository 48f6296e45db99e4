'use client';

import { useActionState, useTransition } from 'react';
import type { ActionState } from './action-state';
import { FormError, submitKeepingInput } from './form';

/**
 * A form bound to one server action: its fields, a submit button and the action's answer (the
 * message, then any field errors not already said), keeping what was typed when it fails. For
 * the many small forms (add a key, revoke, import files, decide a change) that need no per-field
 * wiring. `inline` sets the fields and the button on one wrapping row; `stacked` one under another.
 */
export function ActionForm({
  action,
  submitLabel,
  layout = 'inline',
  className,
  danger,
  children,
  testId,
  label,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  submitLabel: string;
  layout?: 'inline' | 'stacked';
  className?: string;
  danger?: boolean;
  children?: React.ReactNode;
  testId?: string;
  /** Accessible name of the form, where the page has several. */
  label?: string;
}) {
  const [state, dispatch] = useActionState(action, {});
  const [pending, startTransition] = useTransition();
  const fieldMessages = Object.entries(state.fieldErrors ?? {}).flatMap(([f, m]) =>
    m?.[0] && m[0] !== state.error ? [`${f}: ${m[0]}`] : [],
  );
  const answer = (
    <div className="w-full">
      <FormError state={state} />
      {fieldMessages.length > 0 && (
        <ul className="list-inside list-disc text-sm text-red-700">
          {fieldMessages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <form
      onSubmit={submitKeepingInput(dispatch, startTransition)}
      noValidate
      className={className ?? (layout === 'inline' ? 'flex flex-wrap items-end gap-2' : 'space-y-3')}
      aria-label={label}
      data-testid={testId}
    >
      {layout === 'stacked' && answer}
      {children}
      <button
        type="submit"
        disabled={pending}
        className={`rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60 ${
          danger ? 'border-red-600 text-red-700 hover:bg-red-50' : 'border-indigo-700 bg-indigo-700 text-white hover:bg-indigo-800'
        }`}
      >
        {pending ? 'Working…' : submitLabel}
      </button>
      {layout === 'inline' && answer}
    </form>
  );
}
