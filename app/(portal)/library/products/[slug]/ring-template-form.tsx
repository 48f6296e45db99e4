'use client';

import { startTransition, useActionState, useState } from 'react';
import type { PhasePlan } from '@/db/schema';
import type { ActionState } from '@/app/ui/action-state';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { blankPhase, PhaseFieldset, type PhaseRow } from '@/app/(portal)/deployments/phase-fieldset';
import { saveRingTemplateAction } from './ring-template-actions';

export interface RingTemplateValues {
  name: string;
  targetId: string;
  environment: string;
  intent: 'required' | 'available';
  phases: PhasePlan[];
  haltFailurePercent: number;
  haltMinReports: number;
}

const hours = (minutes: number) => String(minutes / 60);
const row = (p: PhasePlan): PhaseRow => ({
  name: p.name,
  targetId: p.targetId ?? '',
  percent: p.percent == null ? '' : String(p.percent),
  gatePercent: p.gatePercent == null ? '' : String(p.gatePercent),
  gateCount: p.gateCount == null ? '' : String(p.gateCount),
  waitHours: hours(p.waitMinutes),
  throttleHours: hours(p.throttleMinutes),
  startMode: p.startMode,
});

/** The product's first ring for continuous delivery: where a freshly published release goes, and its phases. */
export function RingTemplateForm({
  productId,
  slug,
  saved,
  targets,
  environments,
}: {
  productId: string;
  slug: string;
  saved: RingTemplateValues | null;
  targets: { id: string; name: string }[];
  environments: { key: string; name: string }[];
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(saveRingTemplateAction.bind(null, productId, slug), {});
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  // Open at first only when nothing is saved; kept as first rendered, so saving does not fold away its own answer.
  const [startOpen] = useState(saved === null);
  return (
    <details className="mt-3" open={startOpen}>
      <summary className="cursor-pointer text-sm font-medium text-indigo-700">
        {saved ? 'Change the first ring' : 'Set up the first ring'}
      </summary>
      <form onSubmit={submitKeepingInput(action, startTransition)} noValidate className="mt-3 space-y-4">
        <FormError state={state} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="First ring name" name="name" error={err('name')}>
            <input id="name" name="name" defaultValue={saved?.name ?? 'Pilot'} maxLength={200} className={inputClass} />
          </Field>
          <Field label="Ring target" name="targetId" error={err('targetId')}>
            <select id="targetId" name="targetId" defaultValue={saved?.targetId ?? ''} className={inputClass}>
              <option value="">Choose a target</option>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Ring environment" name="environment" error={err('environment')}>
            <select id="environment" name="environment" defaultValue={saved?.environment ?? ''} className={inputClass}>
              <option value="">Choose an environment</option>
              {environments.map((e) => (
                <option key={e.key} value={e.key}>
                  {e.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Ring intent" name="intent" error={err('intent')}>
            <select id="intent" name="intent" defaultValue={saved?.intent ?? 'required'} className={inputClass}>
              <option value="required">required</option>
              <option value="available">available</option>
            </select>
          </Field>
        </div>
        <PhaseFieldset
          initial={saved ? saved.phases.map(row) : [blankPhase(1)]}
          targets={targets}
          err={err}
          halt={{ percent: String(saved?.haltFailurePercent ?? 20), minReports: String(saved?.haltMinReports ?? 10) }}
        />
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
        >
          Save first ring
        </button>
      </form>
    </details>
  );
}
