import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/app/ui/action-form';
import { formatDate } from '@/app/ui/format';
import { cellClass, Table } from '@/app/ui/table';
import { requireArea } from '@/lib/auth/session';
import { listAdvisories } from '@/lib/trust/advisories';
import { importAdvisoriesAction } from './actions';

export const metadata: Metadata = { title: 'Advisories' };
export const dynamic = 'force-dynamic';

export default async function AdvisoriesPage() {
  await requireArea('/admin');
  const rows = await listAdvisories();
  return (
    <div>
      <h1 className="text-2xl font-semibold">Security advisories</h1>
      <p className="mt-1 text-sm text-slate-600">
        Import OSV JSON files (offline; no network needed). They are matched against the SBOM components and product versions of every
        release; the{' '}
        <Link href="/desk/advisories" className="font-medium text-indigo-700 hover:underline">
          service desk
        </Link>{' '}
        sees the devices running affected versions.
      </p>
      <section className="mt-4 rounded-xl border border-slate-200 bg-white p-5" aria-labelledby="import">
        <h2 id="import" className="font-semibold">
          Import
        </h2>
        <ActionForm
          action={importAdvisoriesAction}
          submitLabel="Import"
          className="mt-2 flex flex-wrap items-end gap-3"
          testId="import-advisories"
        >
          <label className="text-sm font-medium text-slate-700">
            OSV JSON files
            <input type="file" name="files" multiple accept="application/json,.json" className="mt-1 block text-sm" />
          </label>
        </ActionForm>
      </section>
      <div className="mt-6">
        <Table
          label="Imported advisories"
          head={['Advisory', 'Severity', 'Summary', 'Packages', 'Imported']}
          empty={rows.length === 0 && 'No advisories imported yet.'}
        >
          {rows.map((a) => (
            <tr key={a.id} className="border-b border-slate-100">
              <td className={`${cellClass} font-medium`}>
                {a.id}
                {a.aliases && <span className="block text-xs text-slate-500">{a.aliases}</span>}
              </td>
              <td className={cellClass}>{a.severity}</td>
              <td className={cellClass}>{a.summary}</td>
              <td className={cellClass}>
                {(a.affected as { package?: { ecosystem?: string; name?: string } }[])
                  .map((x) => `${x.package?.ecosystem}/${x.package?.name}`)
                  .join(', ')}
              </td>
              <td className={cellClass}>{formatDate(a.importedAt)}</td>
            </tr>
          ))}
        </Table>
      </div>
    </div>
  );
}
