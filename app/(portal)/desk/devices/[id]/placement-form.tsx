'use client';

import { startTransition, useActionState } from 'react';
import { Field, FormError, inputClass, summaryOf, submitKeepingInput } from '@/app/ui/form';
import type { DevicePlacement } from '@/lib/devices/placement';
import { placeDeviceAction } from './actions';

const kinds = ['workstation', 'server', 'network', 'other'] as const;
const fields = ['kind', 'site', 'country', 'environment'] as const;

/** Where the device is: what target rules (kind, site, country, environment) select it by. */
export function PlacementForm({ placement, environments }: { placement: DevicePlacement; environments: { key: string; name: string }[] }) {
  const [state, action, pending] = useActionState(placeDeviceAction.bind(null, placement.id), {});
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  const aria = (f: string) => (err(f) ? { 'aria-invalid': true, 'aria-describedby': `${f}-error` } : {});
  return (
    <form onSubmit={submitKeepingInput(action, startTransition)} noValidate className="mt-2 space-y-3">
      <FormError state={summaryOf(state, fields)} />
      <div className="grid gap-3 sm:grid-cols-4">
        <Field label="Kind" name="kind" error={err('kind')}>
          <select id="kind" name="kind" defaultValue={placement.kind} className={inputClass} {...aria('kind')}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Site" name="site" error={err('site')} hint="For example Berlin or Frankfurt DC">
          <input id="site" name="site" defaultValue={placement.site ?? ''} maxLength={100} className={inputClass} {...aria('site')} />
        </Field>
        <Field label="Country" name="country" error={err('country')} hint="Two-letter ISO code, such as DE">
          <input
            id="country"
            name="country"
            defaultValue={placement.country ?? ''}
            maxLength={2}
            autoComplete="off"
            className={inputClass}
            {...aria('country')}
          />
        </Field>
        <Field label="Environment" name="environment" error={err('environment')}>
          <select id="environment" name="environment" defaultValue={placement.environment} className={inputClass} {...aria('environment')}>
            {environments.map((e) => (
              <option key={e.key} value={e.key}>
                {e.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50 disabled:opacity-60"
      >
        {pending ? 'Saving…' : 'Save placement'}
      </button>
    </form>
  );
}
