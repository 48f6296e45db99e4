import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/app/ui/action-form';
import { Field, inputClass } from '@/app/ui/form';
import { formatDateTime } from '@/app/ui/format';
import { cellClass, Table } from '@/app/ui/table';
import { requireArea } from '@/lib/auth/session';
import { listChanges } from '@/lib/changes/queries';
import { createChangeAction } from './actions';
import { ChangeStateBadge } from './change-state-badge';

export const metadata: Metadata = { title: 'Changes' };
export const dynamic = 'force-dynamic';

export default async function ChangesPage() {
  const actor = await requireArea('/changes');
  const changes = await listChanges(actor);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Change records</h1>
        <p className="mt-1 max-w-3xl text-slate-600">
          A deployment into live — the portal’s own or a supplier’s — must cite an approved change whose window covers it. Normal changes
          need the live approval board (N of M); an emergency change one member of it; a standard change recorded by a change manager is
          pre-approved.
        </p>
      </div>
      <Table
        label="Change records"
        head={['Reference', 'Title', 'Kind', 'Window (UTC)', 'Supplier', 'State']}
        empty={changes.length === 0 && 'No change records yet.'}
      >
        {changes.map((c) => (
          <tr key={c.id} className="border-t border-slate-100" data-testid="change-row">
            <td className={cellClass}>
              <Link href={`/changes/${c.id}`} className="font-medium text-indigo-700 hover:underline">
                {c.reference}
              </Link>
            </td>
            <td className={cellClass}>{c.title}</td>
            <td className={cellClass}>{c.kind}</td>
            <td className={cellClass}>
              {formatDateTime(c.windowStart)} – {formatDateTime(c.windowEnd)}
            </td>
            <td className={cellClass}>{c.supplier ?? '—'}</td>
            <td className={cellClass}>
              <ChangeStateBadge state={c.state} />
            </td>
          </tr>
        ))}
      </Table>
      <section aria-labelledby="new-change" className="rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="new-change" className="mb-3 text-lg font-semibold">
          New change
        </h2>
        <ActionForm layout="stacked" action={createChangeAction} submitLabel="Record change" className="grid gap-4 sm:grid-cols-2">
          <Field label="Reference" name="reference" hint="e.g. CHG0032101">
            <input id="reference" name="reference" required maxLength={40} className={inputClass} />
          </Field>
          <Field label="Title" name="title">
            <input id="title" name="title" required maxLength={200} className={inputClass} />
          </Field>
          <Field label="Kind" name="kind">
            <select id="kind" name="kind" className={inputClass} defaultValue="normal">
              <option value="standard">Standard (pre-approved)</option>
              <option value="normal">Normal</option>
              <option value="emergency">Emergency</option>
            </select>
          </Field>
          <Field label="Environment" name="environment">
            <input id="environment" name="environment" defaultValue="live" className={inputClass} />
          </Field>
          <Field label="Window start (UTC)" name="windowStart">
            <input id="windowStart" name="windowStart" type="datetime-local" required className={inputClass} />
          </Field>
          <Field label="Window end (UTC)" name="windowEnd">
            <input id="windowEnd" name="windowEnd" type="datetime-local" required className={inputClass} />
          </Field>
          <div className="sm:col-span-2">
            <Field label="Description (optional)" name="description">
              <textarea id="description" name="description" rows={2} maxLength={4000} className={inputClass} />
            </Field>
          </div>
        </ActionForm>
      </section>
    </div>
  );
}
