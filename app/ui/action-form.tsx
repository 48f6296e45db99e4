'use client';

import { useActionState, useTransition } from 'react';
import type { ActionState } from './action-state';
import { FormError, submitKeepingInput } from './form';

/**
 * A form posting to one server action, with its message (or the first field's error) above it
 * and what was typed kept when it fails. For small forms whose fields need no per-field wiring.
 */
export function ActionForm({
  action,
  submitLabel,
  children,
  className = 'space-y-3',
  label,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  submitLabel: string;
  children: React.ReactNode;
  className?: string;
  label?: string;
}) {
  const [state, dispatch] = useActionState(action, {});
  const [pending, startTransition] = useTransition();
  const fieldMessages = Object.entries(state.fieldErrors ?? {}).flatMap(([f, m]) =>
    m?.[0] && m[0] !== state.error ? [`${f}: ${m[0]}`] : [],
  );
  return (
    <form onSubmit={submitKeepingInput(dispatch, startTransition)} noValidate className={className} aria-label={label}>
      <FormError state={state} />
      {fieldMessages.length > 0 && (
        <ul className="list-inside list-disc text-sm text-red-700">
          {fieldMessages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {children}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Working…' : submitLabel}
      </button>
    </form>
  );
}
