'use client';

import { useActionState, useTransition } from 'react';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { addDeviceAction, type DeviceFormState } from './actions';
import type { AgentDownload } from './agent-commands';
import { EnrolmentCodePanel } from './enrolment-code';

export function AddDeviceForm({
  platforms,
  origin,
  agent,
}: {
  platforms: { value: string; label: string }[];
  origin: string;
  agent: AgentDownload;
}) {
  const [state, dispatch] = useActionState<DeviceFormState, FormData>(addDeviceAction, {});
  const [pending, startTransition] = useTransition();
  const errors = state.fieldErrors ?? {};
  return (
    <div className="space-y-4">
      {state.shown && <EnrolmentCodePanel shown={state.shown} origin={origin} agent={agent} />}
      {/* A new key after a success empties the form for the next device. */}
      <form key={state.shown?.code ?? 'new'} onSubmit={submitKeepingInput(dispatch, startTransition)} noValidate className="space-y-4">
        <FormError state={{ error: state.error }} />
        <div className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start">
          <Field
            label="Device name"
            name="hostname"
            error={errors.hostname}
            hint="Its hostname, e.g. ALICE-LT-4411: letters, digits, . - _"
          >
            <input id="hostname" name="hostname" maxLength={63} autoComplete="off" className={inputClass} />
          </Field>
          <Field label="Platform" name="platform" error={errors.platform}>
            <select id="platform" name="platform" defaultValue="" className={inputClass}>
              <option value="" disabled>
                Choose…
              </option>
              {platforms.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          </Field>
          <button
            type="submit"
            disabled={pending}
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60 sm:mt-6"
          >
            {pending ? 'Adding…' : 'Add device'}
          </button>
        </div>
      </form>
    </div>
  );
}
