import type { Metadata } from 'next';
import Link from 'next/link';
import { deploymentStatusValues } from '@/db/schema';
import { requireArea } from '@/lib/auth/session';
import { deploymentFilterChoices, deploymentFilters, listDeployments } from '@/lib/deployments/queries';
import { DeploymentStatusBadge } from '@/app/ui/status-badge';
import { formatDateTime } from '@/app/ui/format';
import { FilterBar } from '@/app/ui/filter-bar';
import { Field, inputClass } from '@/app/ui/form';
import { cellClass, Table } from '@/app/ui/table';
import { DeploymentsNav } from './sub-nav';

export const metadata: Metadata = { title: 'Deployments' };

export default async function DeploymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireArea('/deployments');
  const filters = deploymentFilters.parse(await searchParams);
  const [rows, choices] = await Promise.all([listDeployments(actor, filters), deploymentFilterChoices(actor)]);
  return (
    <div>
      <DeploymentsNav current="/deployments" />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Deployments</h1>
          <p className="mt-1 text-slate-600">Required, available and big-bang deployments, planned and running.</p>
        </div>
        <Link href="/deployments/new" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          New deployment
        </Link>
      </div>
      <FilterBar
        action="/deployments"
        label="Filter deployments"
        formKey={JSON.stringify(filters)}
        applyLabel="Filter"
        clearHref={Boolean(filters.status || filters.productId || filters.environment) && '/deployments'}
      >
        <Field label="Status" name="status">
          <select defaultValue={filters.status ?? ''} className={inputClass}>
            <option value="">Any</option>
            {deploymentStatusValues.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Product" name="productId">
          <select defaultValue={filters.productId ?? ''} className={inputClass}>
            <option value="">Any</option>
            {choices.products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Environment" name="environment">
          <select defaultValue={filters.environment ?? ''} className={inputClass}>
            <option value="">Any</option>
            {choices.environments.map((e) => (
              <option key={e.key} value={e.key}>
                {e.name}
              </option>
            ))}
          </select>
        </Field>
      </FilterBar>
      <div className="mt-6">
        <Table
          label="Deployments"
          head={['Deployment', 'Release', 'Target', 'Environment', 'Intent', 'Starts', 'Deadline', 'Status']}
          empty={rows.length === 0 && 'No deployments match.'}
        >
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100">
              <td className={cellClass}>
                <Link href={`/deployments/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                  {r.name}
                </Link>
              </td>
              <td className={cellClass}>
                {r.product} {r.release}
              </td>
              <td className={cellClass}>{r.target}</td>
              <td className={cellClass}>{r.environment}</td>
              <td className={cellClass}>{r.cutoverAt ? 'required (big bang)' : r.intent}</td>
              <td className={`${cellClass} whitespace-nowrap`}>{formatDateTime(r.availableFrom)}</td>
              <td className={`${cellClass} whitespace-nowrap`}>{r.deadline ? formatDateTime(r.deadline) : '—'}</td>
              <td className={cellClass}>
                <DeploymentStatusBadge status={r.status} />
              </td>
            </tr>
          ))}
        </Table>
      </div>
    </div>
  );
}
