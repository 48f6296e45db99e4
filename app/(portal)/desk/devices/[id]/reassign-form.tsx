'use client';

import { startTransition, useActionState } from 'react';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { reassignDeviceAction } from './actions';

/** Shown for a device nobody owns (its owner was deactivated): the desk names its new owner. */
export function ReassignDeviceForm({ deviceId }: { deviceId: string }) {
  const [state, reassign, pending] = useActionState(reassignDeviceAction.bind(null, deviceId), {});
  const error = state.fieldErrors?.ownerEmail?.[0];
  return (
    <form onSubmit={submitKeepingInput(reassign, startTransition)} className="mt-2 space-y-3" noValidate>
      <p className="text-sm text-slate-600">Nobody owns this device: its owner was deactivated. It pulls nothing until it has an owner.</p>
      <Field label="New owner’s e-mail" name="ownerEmail" error={error}>
        <input id="ownerEmail" name="ownerEmail" type="email" required maxLength={254} className={inputClass} />
      </Field>
      <FormError state={error ? { error: undefined } : state} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Saving…' : 'Give it to this person'}
      </button>
    </form>
  );
}
