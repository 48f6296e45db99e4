'use client';

import { startTransition, useActionState, useEffect, useRef } from 'react';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { createReleaseAction } from './release-actions';

export function NewReleaseForm({ productId, slug }: { productId: string; slug: string }) {
  const [state, action, pending] = useActionState(createReleaseAction.bind(null, productId, slug), {});
  const form = useRef<HTMLFormElement>(null);
  // Inputs are kept on errors (see submitKeepingInput); after a success they start empty again.
  useEffect(() => {
    if (state.success) form.current?.reset();
  }, [state]);
  return (
    <form ref={form} onSubmit={submitKeepingInput(action, startTransition)} noValidate className="space-y-3">
      <FormError state={state} />
      <div className="grid gap-3 sm:grid-cols-[12rem_1fr]">
        <Field label="Version" name="version" error={state.fieldErrors?.version?.[0]}>
          <input id="version" name="version" className={inputClass} maxLength={64} placeholder="1.2.3" />
        </Field>
        <Field label="Release notes" name="notes" error={state.fieldErrors?.notes?.[0]}>
          <input id="notes" name="notes" className={inputClass} maxLength={10_000} />
        </Field>
      </div>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        Create draft release
      </button>
    </form>
  );
}
