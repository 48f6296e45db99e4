'use client';

import { startTransition, useActionState } from 'react';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { roleValues } from '@/db/schema';
import type { EditableUser } from '@/lib/admin/users';
import { roleLabels } from '@/lib/auth/roles';
import { updateUserAction } from './actions';

type Choice = { id: string; name: string };

export function UserForm({ user, managers, groups }: { user: EditableUser; managers: Choice[]; groups: Choice[] }) {
  const [state, action, pending] = useActionState(updateUserAction.bind(null, user.id), {});
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  return (
    <form onSubmit={submitKeepingInput(action, startTransition)} noValidate className="space-y-5">
      <FormError state={state} />
      <Field label="Name" name="name" error={err('name')}>
        <input id="name" name="name" defaultValue={user.name} maxLength={120} className={inputClass} />
      </Field>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Roles</legend>
        <div className="mt-2 flex flex-wrap gap-x-5 gap-y-2 text-sm">
          {roleValues.map((r) => (
            <label key={r} className="flex items-center gap-2">
              <input type="checkbox" name="roles" value={r} defaultChecked={user.roles.includes(r)} disabled={r === 'requester'} />
              {roleLabels[r]}
            </label>
          ))}
        </div>
        <p className="mt-1 text-xs text-slate-500">
          Everyone is a requester. Changes apply at the person’s next request; no one needs to sign in again.
        </p>
        {err('roles') && (
          <p className="mt-1 text-sm text-red-700" data-testid="error-roles">
            {err('roles')}
          </p>
        )}
      </fieldset>
      <Field label="Manager" name="managerId" error={err('managerId')} hint="Approves requests for products whose policy asks the manager.">
        <select id="managerId" name="managerId" defaultValue={user.managerId ?? ''} className={inputClass}>
          <option value="">No manager</option>
          {managers.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </Field>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Groups</legend>
        <div className="mt-2 flex flex-wrap gap-x-5 gap-y-2 text-sm">
          {groups.map((g) => (
            <label key={g.id} className="flex items-center gap-2">
              <input type="checkbox" name="groupIds" value={g.id} defaultChecked={user.groupIds.includes(g.id)} />
              {g.name}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="active" defaultChecked={user.active} />
        Active (may sign in; a disabled account is signed out at its next request)
      </label>
      {err('active') && <p className="text-sm text-red-700">{err('active')}</p>}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Saving…' : 'Save'}
      </button>
    </form>
  );
}
