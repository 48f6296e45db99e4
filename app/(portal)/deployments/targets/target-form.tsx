'use client';

import { startTransition, useActionState, useEffect, useRef, useState } from 'react';
import { deviceKindValues, platformValues, type TargetRules } from '@/db/schema';
import type { ActionState } from '@/app/ui/action-state';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { platformLabels } from '@/app/ui/format';
import type { TargetPreview } from '@/lib/deployments/targets';
import { previewTargetAction } from './actions';

type Action = (state: ActionState, form: FormData) => Promise<ActionState>;
interface Choices {
  groups: { id: string; name: string }[];
  environments: { key: string; name: string }[];
  sites: string[];
  countries: string[];
}

function Checks({
  legend,
  name,
  options,
  checked,
}: {
  legend: string;
  name: string;
  options: { value: string; label: string }[];
  checked?: string[];
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.value} className="flex items-center gap-1.5 text-sm">
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked?.includes(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Name and rules of a target, with a live preview of the devices they select (before saving). */
export function TargetForm({
  action,
  choices,
  initial,
  submitLabel,
}: {
  action: Action;
  choices: Choices;
  initial?: { name: string; description: string; rules: TargetRules };
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const [preview, setPreview] = useState<{ preview?: TargetPreview; state?: ActionState }>({});
  const form = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const refresh = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (form.current) void previewTargetAction(new FormData(form.current)).then(setPreview);
    }, 300);
  };
  useEffect(refresh, []);
  const err = (f: string) => state.fieldErrors?.[f]?.[0] ?? preview.state?.fieldErrors?.[f]?.[0];
  const r = initial?.rules ?? {};
  return (
    <form
      ref={form}
      onChange={refresh}
      onSubmit={submitKeepingInput(formAction, startTransition)}
      noValidate
      className="grid gap-6 lg:grid-cols-[1fr_20rem]"
    >
      <div className="space-y-5">
        <FormError state={state} />
        <Field label="Name" name="name" error={err('name')}>
          <input id="name" name="name" defaultValue={initial?.name} maxLength={200} className={inputClass} />
        </Field>
        <Field label="Description" name="description" error={err('description')}>
          <input id="description" name="description" defaultValue={initial?.description} maxLength={2000} className={inputClass} />
        </Field>
        <p className="text-sm text-slate-600">
          Every section you fill in must match (and); any ticked value in a section matches (or). Devices listed by id are added.
        </p>
        <Checks
          legend="Owner's group"
          name="groupIds"
          options={choices.groups.map((g) => ({ value: g.id, label: g.name }))}
          checked={r.groupIds}
        />
        <Checks
          legend="Platform"
          name="platforms"
          options={platformValues.map((p) => ({ value: p, label: platformLabels[p] }))}
          checked={r.platforms}
        />
        <Checks
          legend="Environment"
          name="environments"
          options={choices.environments.map((e) => ({ value: e.key, label: e.name }))}
          checked={r.environments}
        />
        <Checks legend="Device kind" name="kinds" options={deviceKindValues.map((k) => ({ value: k, label: k }))} checked={r.kinds} />
        <Checks legend="Site" name="sites" options={choices.sites.map((s) => ({ value: s, label: s }))} checked={r.sites} />
        <Field
          label="Countries"
          name="countries"
          error={err('countries')}
          hint={`Two-letter codes, e.g. ${choices.countries.join(', ') || 'DE, GB'}`}
        >
          <input id="countries" name="countries" defaultValue={r.countries?.join(', ')} className={inputClass} />
        </Field>
        <Field label="Extra devices (ids)" name="deviceIds" error={err('deviceIds')} hint="Separated by spaces or commas.">
          <textarea id="deviceIds" name="deviceIds" rows={2} defaultValue={r.deviceIds?.join('\n')} className={inputClass} />
        </Field>
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
        >
          {submitLabel}
        </button>
      </div>
      <aside aria-live="polite" aria-labelledby="preview" className="h-fit rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="preview" className="text-sm font-semibold">
          Preview
        </h2>
        {preview.state?.error && <p className="mt-2 text-sm text-red-700">{preview.state.error}</p>}
        {preview.preview && (
          <>
            <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid="preview-count">
              {preview.preview.count} <span className="text-sm font-normal text-slate-600">active device(s)</span>
            </p>
            <ul className="mt-2 space-y-1 text-sm">
              {preview.preview.first.map((d) => (
                <li key={d.id}>
                  <span className="font-medium">{d.hostname}</span>{' '}
                  <span className="text-slate-500">
                    {d.environment}
                    {d.site ? ` · ${d.site}` : ''} · {d.owner}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </aside>
    </form>
  );
}
