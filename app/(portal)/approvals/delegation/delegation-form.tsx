'use client';

import { startTransition, useActionState, useEffect, useRef } from 'react';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { createDelegationAction, endDelegationAction } from '../actions';

export function DelegationForm({
  choices,
  defaultStart,
  defaultEnd,
}: {
  choices: { id: string; name: string }[];
  defaultStart: string;
  defaultEnd: string;
}) {
  const [state, dispatch, pending] = useActionState(createDelegationAction, {});
  const form = useRef<HTMLFormElement>(null);
  const errors = state.fieldErrors ?? {};
  const error = (name: string) => errors[name]?.[0];
  const aria = (name: string) => ({
    'aria-invalid': error(name) ? true : undefined,
    'aria-describedby': error(name) ? `${name}-error` : undefined,
  });
  useEffect(() => {
    if (state.success) form.current?.reset();
  }, [state]);

  return (
    <form ref={form} onSubmit={submitKeepingInput(dispatch, startTransition)} noValidate className="space-y-4">
      <FormError state={state} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Delegate" name="delegateId" error={error('delegateId')}>
          <select id="delegateId" name="delegateId" defaultValue="" className={inputClass} {...aria('delegateId')}>
            <option value="" disabled>
              Choose an approver
            </option>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From (UTC)" name="startsAt" error={error('startsAt')}>
          <input
            id="startsAt"
            name="startsAt"
            type="datetime-local"
            defaultValue={defaultStart}
            className={inputClass}
            {...aria('startsAt')}
          />
        </Field>
        <Field label="Until (UTC)" name="endsAt" error={error('endsAt')}>
          <input id="endsAt" name="endsAt" type="datetime-local" defaultValue={defaultEnd} className={inputClass} {...aria('endsAt')} />
        </Field>
      </div>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Saving…' : 'Delegate'}
      </button>
    </form>
  );
}

export function EndDelegationButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(endDelegationAction, {});
  return (
    <form action={action} className="inline-flex flex-wrap items-center justify-end gap-2">
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`End the delegation to ${name} now`}
        className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-60"
      >
        End now
      </button>
      {state.error && (
        <span role="alert" className="text-xs text-red-700">
          {state.error}
        </span>
      )}
    </form>
  );
}
