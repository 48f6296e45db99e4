import type { Metadata } from 'next';
import { ActionForm } from '@/app/ui/action-form';
import { Field, inputClass } from '@/app/ui/form';
import { requireArea } from '@/lib/auth/session';
import { IMPORT_COLUMNS } from '@/lib/suppliers/import';
import { supplierChoices } from '@/lib/suppliers/queries';
import { CsvImportFields } from '../../supplier/csv-import-fields';
import { importForSupplierAction } from './actions';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Record past supplier work' };
export const dynamic = 'force-dynamic';

/** A librarian records a batch of a supplier's past deployments, within that supplier's scope. */
export default async function SupplierImportPage() {
  const actor = await requireArea('/library');
  const suppliers = await supplierChoices(actor);
  return (
    <article className="max-w-3xl">
      <Breadcrumb parent={{ href: '/library', label: 'Library' }} current="Past supplier work" />
      <h1 className="mt-3 text-2xl font-semibold">Record past supplier work (CSV)</h1>
      <p className="mt-1 text-slate-600">
        For deployments a supplier did before it reported to the portal. Each line is checked, including the supplier’s scope; if any line
        is wrong nothing is recorded and every line’s error is listed. Columns: <code>{IMPORT_COLUMNS.join(',')}</code>.
      </p>
      <div className="mt-4 rounded-xl border border-slate-200 bg-white p-4">
        <ActionForm layout="stacked" action={importForSupplierAction} submitLabel="Import" label="Import past supplier work">
          <Field label="Supplier" name="supplierId">
            <select id="supplierId" name="supplierId" className={inputClass} defaultValue="">
              <option value="" disabled>
                Choose…
              </option>
              {suppliers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <CsvImportFields />
        </ActionForm>
      </div>
    </article>
  );
}
