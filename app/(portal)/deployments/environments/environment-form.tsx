'use client';

import { startTransition, useActionState } from 'react';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { updateEnvironmentAction } from './actions';

export function EnvironmentForm({
  env,
  groups,
}: {
  env: { key: string; name: string; successThresholdPercent: number; approvalGroupId: string | null; requiredApprovals: number };
  groups: { id: string; name: string }[];
}) {
  const [state, action, pending] = useActionState(updateEnvironmentAction.bind(null, env.key), {});
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  const id = (f: string) => `${env.key}-${f}`;
  return (
    <form onSubmit={submitKeepingInput(action, startTransition)} noValidate className="grid gap-3 sm:grid-cols-5 sm:items-end">
      <div className="sm:col-span-5">
        <FormError state={state} />
      </div>
      <Field label="Name" name={id('name')} error={err('name')}>
        <input id={id('name')} name="name" defaultValue={env.name} className={inputClass} />
      </Field>
      <Field label="Success threshold %" name={id('successThresholdPercent')} error={err('successThresholdPercent')}>
        <input
          id={id('successThresholdPercent')}
          name="successThresholdPercent"
          type="number"
          min={0}
          max={100}
          defaultValue={env.successThresholdPercent}
          className={inputClass}
        />
      </Field>
      <Field label="Approval group" name={id('approvalGroupId')} error={err('approvalGroupId')}>
        <select id={id('approvalGroupId')} name="approvalGroupId" defaultValue={env.approvalGroupId ?? ''} className={inputClass}>
          <option value="">No approval</option>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Approvals needed" name={id('requiredApprovals')} error={err('requiredApprovals')}>
        <input
          id={id('requiredApprovals')}
          name="requiredApprovals"
          type="number"
          min={1}
          max={50}
          defaultValue={env.requiredApprovals}
          className={inputClass}
        />
      </Field>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50 disabled:opacity-60"
      >
        Save {env.name}
      </button>
    </form>
  );
}
