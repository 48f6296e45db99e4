'use client';

import { startTransition, useActionState, useState } from 'react';
import type { ActionState } from '@/app/ui/action-state';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { PhaseFieldset, type PhaseRow } from './phase-fieldset';

type Action = (state: ActionState, form: FormData) => Promise<ActionState>;

export interface DeploymentFormValues {
  name: string;
  releaseId: string;
  targetId: string;
  environment: string;
  intent: 'required' | 'available';
  availableFrom: string;
  deadline: string;
  windowStart: string;
  windowEnd: string;
  windowTimeZone: string;
  cutoverAt: string;
  changeRef: string;
  phases: PhaseRow[];
  haltFailurePercent: string;
  haltMinReports: string;
}

/** The plan of a deployment; for an edit also the version seen and, once scheduled, the reason. */
export function DeploymentForm({
  action,
  initial,
  choices,
  version,
  reasonRequired,
  submitLabel,
}: {
  action: Action;
  initial?: Partial<DeploymentFormValues>;
  choices: {
    releases: { id: string; version: string; product: string }[];
    targets: { id: string; name: string }[];
    environments: { key: string; name: string }[];
  };
  version?: number;
  reasonRequired?: boolean;
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const [intent, setIntent] = useState(initial?.intent ?? 'required');
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  const byProduct = new Map<string, typeof choices.releases>();
  for (const r of choices.releases) byProduct.set(r.product, [...(byProduct.get(r.product) ?? []), r]);
  return (
    <form onSubmit={submitKeepingInput(formAction, startTransition)} noValidate className="space-y-6">
      <FormError state={state} />
      {version !== undefined && <input type="hidden" name="expectedVersion" value={version} />}
      <Field label="Name" name="name" error={err('name')}>
        <input id="name" name="name" defaultValue={initial?.name} maxLength={200} className={inputClass} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Release" name="releaseId" error={err('releaseId')}>
          <select id="releaseId" name="releaseId" defaultValue={initial?.releaseId ?? ''} className={inputClass}>
            <option value="">Choose a published release</option>
            {[...byProduct].map(([product, rs]) => (
              <optgroup key={product} label={product}>
                {rs.map((r) => (
                  <option key={r.id} value={r.id}>
                    {product} {r.version}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Field>
        <Field label="Target" name="targetId" error={err('targetId')} hint="A named device collection (see Targets).">
          <select id="targetId" name="targetId" defaultValue={initial?.targetId ?? ''} className={inputClass}>
            <option value="">Choose a target</option>
            {choices.targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Environment"
          name="environment"
          error={err('environment')}
          hint="Only the target's devices in this environment are covered."
        >
          <select id="environment" name="environment" defaultValue={initial?.environment ?? ''} className={inputClass}>
            <option value="">Choose an environment</option>
            {choices.environments.map((e) => (
              <option key={e.key} value={e.key}>
                {e.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Intent"
          name="intent"
          error={err('intent')}
          hint={
            intent === 'required'
              ? 'Installed by the agent at its next sync, inside the window.'
              : 'Offered to the devices; installed when someone chooses "install now".'
          }
        >
          <select
            id="intent"
            name="intent"
            value={intent}
            onChange={(e) => setIntent(e.target.value as 'required' | 'available')}
            className={inputClass}
          >
            <option value="required">Required</option>
            <option value="available">Available</option>
          </select>
        </Field>
        <Field label="Available from (UTC)" name="availableFrom" error={err('availableFrom')}>
          <input
            id="availableFrom"
            name="availableFrom"
            type="datetime-local"
            defaultValue={initial?.availableFrom}
            className={inputClass}
          />
        </Field>
        <Field
          label="Deadline (UTC, optional)"
          name="deadline"
          error={err('deadline')}
          hint="Postponing is possible until then, not after."
        >
          <input id="deadline" name="deadline" type="datetime-local" defaultValue={initial?.deadline} className={inputClass} />
        </Field>
        <Field label="Daily window from (optional)" name="windowStartMinute" error={err('windowStartMinute')}>
          <input id="windowStartMinute" name="windowStartMinute" type="time" defaultValue={initial?.windowStart} className={inputClass} />
        </Field>
        <Field
          label="Daily window until"
          name="windowEndMinute"
          error={err('windowEndMinute')}
          hint="An end before the start wraps past midnight."
        >
          <input id="windowEndMinute" name="windowEndMinute" type="time" defaultValue={initial?.windowEnd} className={inputClass} />
        </Field>
        <Field label="Window time zone" name="windowTimeZone" error={err('windowTimeZone')}>
          <input
            id="windowTimeZone"
            name="windowTimeZone"
            defaultValue={initial?.windowTimeZone ?? 'UTC'}
            maxLength={64}
            className={inputClass}
          />
        </Field>
        {intent === 'required' && (
          <Field
            label="Cut-over (UTC, optional: big bang)"
            name="cutoverAt"
            error={err('cutoverAt')}
            hint="Nobody installs before it; after it the old release is refused to covered devices."
          >
            <input id="cutoverAt" name="cutoverAt" type="datetime-local" defaultValue={initial?.cutoverAt} className={inputClass} />
          </Field>
        )}
        <Field
          label="Change reference (required into live)"
          name="changeRef"
          error={err('changeRef')}
          hint="An approved change whose window covers the start and deadline."
        >
          <input id="changeRef" name="changeRef" defaultValue={initial?.changeRef} maxLength={100} className={inputClass} />
        </Field>
      </div>
      <PhaseFieldset
        initial={initial?.phases ?? []}
        targets={choices.targets}
        err={err}
        halt={{ percent: initial?.haltFailurePercent ?? '20', minReports: initial?.haltMinReports ?? '10' }}
      />
      {reasonRequired !== undefined && (
        <Field
          label={reasonRequired ? 'Reason for the change' : 'Reason for the change (optional)'}
          name="reason"
          error={err('reason')}
          hint="Kept with this version in the history."
        >
          <textarea id="reason" name="reason" rows={2} maxLength={2000} className={inputClass} />
        </Field>
      )}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {submitLabel}
      </button>
    </form>
  );
}
