import type { Metadata } from 'next';
import { ActionForm } from '@/app/ui/action-form';
import { Field, inputClass } from '@/app/ui/form';
import { requireArea } from '@/lib/auth/session';
import { supplierHome } from '@/lib/suppliers/page-service';
import { IMPORT_COLUMNS } from '@/lib/suppliers/import';
import { supplierEventStatusValues } from '@/db/schema';
import { SupplierEventsTable } from '@/app/ui/supplier-events-table';
import { announceAction, importAction, reportAction } from './actions';
import { CsvImportFields } from './csv-import-fields';

export const metadata: Metadata = { title: 'Supplier' };
export const dynamic = 'force-dynamic';

export default async function SupplierPage() {
  const actor = await requireArea('/supplier');
  const home = await supplierHome(actor);
  const itemsField = (id: string) => (
    <Field label="Items" name={id} hint="Hold Ctrl / ⌘ to choose several.">
      <select id={id} name="items" multiple size={Math.min(6, Math.max(2, home.scope.length))} className={inputClass}>
        {home.scope.map((d) => (
          <option key={d.id} value={d.hostname}>
            {d.hostname} ({d.kind}, {d.site ?? 'no site'}, {d.environment})
          </option>
        ))}
      </select>
    </Field>
  );
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">{home.name}</h1>
        <p className="mt-1 max-w-3xl text-slate-600">
          Announce the deployments you plan on the items in your scope, and report what you did. Work in live needs an approved change whose
          window covers it; work reported without one is recorded and flagged as an unauthorised change. The same is possible over the API
          (see /openapi.json).
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="announce" className="rounded-xl border border-slate-200 bg-white p-4">
          <h2 id="announce" className="mb-3 text-lg font-semibold">
            Announce a deployment
          </h2>
          <ActionForm layout="stacked" action={announceAction} submitLabel="Announce">
            <Field label="Component" name="a-component">
              <input id="a-component" name="component" required className={inputClass} />
            </Field>
            <Field label="Version" name="a-version">
              <input id="a-version" name="version" required className={inputClass} />
            </Field>
            {itemsField('a-items')}
            <Field label="Window start (UTC)" name="a-start">
              <input id="a-start" name="windowStart" type="datetime-local" required className={inputClass} />
            </Field>
            <Field label="Window end (UTC)" name="a-end">
              <input id="a-end" name="windowEnd" type="datetime-local" required className={inputClass} />
            </Field>
            <Field label="Change reference" name="a-change">
              <input id="a-change" name="changeRef" className={inputClass} />
            </Field>
          </ActionForm>
        </section>
        <section aria-labelledby="report" className="rounded-xl border border-slate-200 bg-white p-4">
          <h2 id="report" className="mb-3 text-lg font-semibold">
            Report what you did
          </h2>
          <ActionForm layout="stacked" action={reportAction} submitLabel="Report">
            <Field label="Component" name="r-component">
              <input id="r-component" name="component" required className={inputClass} />
            </Field>
            <Field label="Version" name="r-version">
              <input id="r-version" name="version" required className={inputClass} />
            </Field>
            {itemsField('r-items')}
            <Field label="Outcome" name="r-status">
              <select id="r-status" name="status" className={inputClass} defaultValue="succeeded">
                {supplierEventStatusValues.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </Field>
            <Field label="Artifact SHA-256 (optional)" name="r-sha">
              <input id="r-sha" name="sha256" className={inputClass} />
            </Field>
            <Field label="Evidence: text or https link (optional)" name="r-evidence">
              <input id="r-evidence" name="evidence" className={inputClass} />
            </Field>
            <Field label="Change reference" name="r-change">
              <input id="r-change" name="changeRef" className={inputClass} />
            </Field>
          </ActionForm>
        </section>
      </div>
      <section aria-labelledby="import" className="rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="import" className="mb-1 text-lg font-semibold">
          Import past deployments (CSV)
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          Columns: <code>{IMPORT_COLUMNS.join(',')}</code>. If any line is wrong nothing is recorded and every line’s error is listed.
        </p>
        <ActionForm layout="stacked" action={importAction} submitLabel="Import">
          <CsvImportFields idPrefix="i-" />
        </ActionForm>
      </section>
      <section aria-labelledby="history">
        <h2 id="history" className="mb-2 text-lg font-semibold">
          Your recent reports
        </h2>
        <SupplierEventsTable label="Your recent reports" rows={home.events} />
      </section>
    </div>
  );
}
