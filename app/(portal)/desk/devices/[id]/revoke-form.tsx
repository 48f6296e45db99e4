'use client';

import { startTransition, useActionState } from 'react';
import { confirmOnceReasoned, Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { revokeDeviceAction } from './actions';

/** Revoking is final: the device's token stops working and its pulls end. Asks for a reason, then confirmation. */
export function RevokeDeviceForm({ deviceId, hostname, status }: { deviceId: string; hostname: string; status: string }) {
  const [state, revoke, pending] = useActionState(revokeDeviceAction.bind(null, deviceId), {});
  if (status === 'revoked' || status === 'retired') {
    return (
      <div className="mt-2 space-y-2 text-sm text-slate-600">
        <FormError state={state} />
        <p>This device is {status}: it can no longer authenticate or pull anything.</p>
      </div>
    );
  }
  const error = state.fieldErrors?.reason?.[0];
  return (
    <form onSubmit={submitKeepingInput(revoke, startTransition)} className="mt-2 space-y-3" noValidate>
      <p className="text-sm text-slate-600">
        For a lost, stolen or compromised device: its token stops working at once, and it can pull nothing more. Its install history stays
        on record.
      </p>
      <Field label="Reason (recorded in the audit log)" name="reason" error={error}>
        <textarea
          id="reason"
          name="reason"
          required
          rows={2}
          maxLength={2000}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'reason-error' : undefined}
          className={inputClass}
        />
      </Field>
      <FormError state={error ? { error: undefined } : state} />
      <button
        type="submit"
        disabled={pending}
        onClick={confirmOnceReasoned(`Revoke ${hostname}? This cannot be undone.`)}
        className="rounded-md border border-red-600 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60"
      >
        {pending ? 'Revoking…' : 'Revoke device'}
      </button>
    </form>
  );
}
