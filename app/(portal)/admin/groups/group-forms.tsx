'use client';

import { startTransition, useActionState } from 'react';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import type { GroupRow } from '@/lib/admin/groups';
import { createGroupAction, setGroupArchivedAction, updateGroupAction } from './actions';

const button = 'rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60';

export function NewGroupForm() {
  const [state, action, pending] = useActionState(createGroupAction, {});
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  return (
    <form onSubmit={submitKeepingInput(action, startTransition)} noValidate className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-end">
      <Field label="Name" name="name" error={err('name')}>
        <input id="name" name="name" maxLength={80} className={inputClass} />
      </Field>
      <Field label="Description" name="description" error={err('description')}>
        <input id="description" name="description" maxLength={500} className={inputClass} />
      </Field>
      <button type="submit" disabled={pending} className={`${button} bg-indigo-700 text-white hover:bg-indigo-800`}>
        {pending ? 'Creating…' : 'Create group'}
      </button>
      <div className="sm:col-span-3">
        <FormError state={err('name') || err('description') ? { success: state.success } : state} />
      </div>
    </form>
  );
}

/** Rename, describe, archive or restore one group. */
export function GroupEditor({ group }: { group: GroupRow }) {
  const [state, action, pending] = useActionState(updateGroupAction.bind(null, group.id), {});
  const [archiveState, archive, archiving] = useActionState(setGroupArchivedAction.bind(null, group.id, !group.archived), {});
  const id = (f: string) => `${f}-${group.id}`;
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  return (
    <div className="space-y-2">
      <form
        onSubmit={submitKeepingInput(action, startTransition)}
        noValidate
        className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-end"
      >
        <Field label="Name" name={id('name')} error={err('name')}>
          <input id={id('name')} name="name" defaultValue={group.name} maxLength={80} className={inputClass} />
        </Field>
        <Field label="Description" name={id('description')} error={err('description')}>
          <input id={id('description')} name="description" defaultValue={group.description} maxLength={500} className={inputClass} />
        </Field>
        <button type="submit" disabled={pending} className={`${button} border border-slate-300 bg-white hover:bg-slate-50`}>
          {pending ? 'Saving…' : 'Save'}
        </button>
      </form>
      <FormError state={err('name') || err('description') ? { success: state.success } : state} />
      <form action={archive} className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={archiving}
          className={`${button} border ${group.archived ? 'border-slate-300 text-slate-800 hover:bg-slate-50' : 'border-red-700 text-red-800 hover:bg-red-50'}`}
        >
          {group.archived ? 'Restore group' : 'Archive group'}
        </button>
        <FormError state={archiveState} />
      </form>
    </div>
  );
}
