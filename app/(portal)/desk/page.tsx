import type { Metadata } from 'next';
import Link from 'next/link';
import { SupplierEventsTable } from '@/app/ui/supplier-events-table';
import { KeysetPager } from '@/app/ui/table';
import { listSupplierEvents } from '@/lib/suppliers/queries';
import { z } from 'zod';
import { requireArea } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { filterParams, installFilterInput, isFiltered, type InstallFilter } from '@/lib/installs/filters';
import { findDevices, listInstallRecords, listProductChoices, type DeviceMatch, type InstallRecordPage } from '@/lib/installs/queries';
import { FilterForm, type FilterValues } from './filter-form';
import { RecordsTable } from './records-table';

export const metadata: Metadata = { title: 'Service desk' };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function DeskPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireArea('/desk');
  const raw = await searchParams;
  const values: FilterValues = {};
  for (const k of ['device', 'user', 'product', 'version', 'outcome', 'reportedBy', 'from', 'to'] as const) values[k] = one(raw[k]);
  const cursor = one(raw.cursor) || undefined;
  const source = one(raw.source) === 'supplier' ? 'supplier' : one(raw.source) === 'portal' ? 'portal' : 'all';
  const supplierRows = source === 'portal' ? [] : await listSupplierEvents(actor, { limit: source === 'supplier' ? 200 : 20 });

  const parsed = installFilterInput.safeParse(values);
  const filter: InstallFilter = parsed.success ? parsed.data : {};
  const errors = parsed.success
    ? {}
    : Object.fromEntries(Object.entries(z.flattenError(parsed.error).fieldErrors).map(([k, v]) => [k, (v as string[])[0]]));
  let page: InstallRecordPage = { rows: [], nextCursor: null };
  let pageError: string | undefined;
  if (parsed.success) {
    try {
      page = await listInstallRecords(actor, filter, cursor);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      pageError = e.message; // A stale or hand-edited page link.
    }
  }
  const [products, matches] = await Promise.all([
    listProductChoices(actor),
    filter.device ? findDevices(actor, filter.device) : Promise.resolve<DeviceMatch[]>([]),
  ]);
  const query = filterParams(filter).toString();
  const filtered = isFiltered(filter);

  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Install records</h1>
          <p className="mt-1 text-slate-600">
            Every download and install outcome reported by devices, newest first: what was pulled, where, for which request.
          </p>
          <p className="mt-1 text-sm">
            <Link href="/desk/drift" className="text-indigo-700 hover:underline">
              Drift: installed against planned →
            </Link>{' '}
            ·{' '}
            <Link href="/desk/advisories" className="text-indigo-700 hover:underline">
              Vulnerable versions on devices →
            </Link>
            ·{' '}
            <Link href="/desk/supplier-work" className="text-indigo-700 hover:underline">
              Supplier work: planned against happened →
            </Link>
          </p>
        </div>
        {parsed.success && (
          <a
            href={`/desk/export${query ? `?${query}` : ''}`}
            className="rounded-md border border-indigo-600 px-4 py-2 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
            data-testid="export-csv"
            title={filtered ? 'Every record matching these filters, not only this page' : 'Every record, not only this page'}
          >
            Export CSV
          </a>
        )}
      </div>

      <FilterForm values={values} errors={errors} products={products} />
      {filter.device && (
        <p className="mt-3 flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm" data-testid="device-matches">
          <span className="text-slate-600">{matches.length ? 'Devices named like this:' : 'No device has a name containing this.'}</span>
          {matches.map((d) => (
            <Link key={d.id} href={`/desk/devices/${d.id}`} className="font-medium text-indigo-700 hover:underline">
              {d.hostname}
              <span className="font-normal text-slate-500">
                {' '}
                ({d.owner}
                {d.status === 'active' ? '' : `, ${d.status}`})
              </span>
            </Link>
          ))}
        </p>
      )}
      {filter.product && (
        <p className="mt-3 text-sm">
          <Link href={`/desk/products/${filter.product}`} className="font-medium text-indigo-700 hover:underline">
            Adoption and failure hotspots for this product →
          </Link>
        </p>
      )}

      {(pageError || !parsed.success) && (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-error">
          {pageError ?? 'Please correct the filters marked above.'}{' '}
          {pageError && (
            <Link href={`/desk${query ? `?${query}` : ''}`} className="font-medium underline">
              Newest records
            </Link>
          )}
        </p>
      )}

      <nav aria-label="Source" className="mt-4 flex flex-wrap gap-3 text-sm">
        <span className="text-slate-600">Source:</span>
        {(
          [
            ['all', 'All'],
            ['portal', 'Portal and agent'],
            ['supplier', 'Suppliers'],
          ] as const
        ).map(([key, label]) => (
          <Link
            key={key}
            href={key === 'all' ? '/desk' : `/desk?source=${key}`}
            aria-current={source === key ? 'page' : undefined}
            className={source === key ? 'font-semibold text-slate-900' : 'text-indigo-700 hover:underline'}
          >
            {label}
          </Link>
        ))}
      </nav>

      {source !== 'portal' && (
        <section className="mt-6" aria-labelledby="supplier-records">
          <h2 id="supplier-records" className="mb-2 text-lg font-semibold">
            {source === 'supplier' ? 'Supplier deployments' : 'Latest supplier deployments'}
          </h2>
          <SupplierEventsTable label="Supplier deployments" rows={supplierRows} deviceLinks />
        </section>
      )}

      <div className={source === 'supplier' ? 'hidden' : 'mt-6'}>
        {page.rows.length > 0 ? (
          <RecordsTable rows={page.rows} />
        ) : (
          parsed.success &&
          !pageError && (
            <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-14 text-center" data-testid="records-empty">
              {filtered ? (
                <>
                  <h2 className="text-lg font-semibold">No records match these filters</h2>
                  <p className="mt-1 text-slate-600">Text filters match part of a name; try a shorter one, or widen the dates.</p>
                  <Link href="/desk" className="mt-4 inline-block font-medium text-indigo-700 hover:underline">
                    Show all records
                  </Link>
                </>
              ) : (
                <>
                  <h2 className="text-lg font-semibold">No install records yet</h2>
                  <p className="mx-auto mt-1 max-w-xl text-slate-600">
                    Records appear here as soon as a device starts a download or its agent reports an install, with the device, version,
                    artifact hash and request behind it.
                  </p>
                </>
              )}
            </div>
          )
        )}
      </div>

      <KeysetPager
        newestHref={cursor && `/desk${query ? `?${query}` : ''}`}
        olderHref={page.nextCursor && `/desk?${filterParams(filter, { cursor: page.nextCursor })}`}
      />
    </div>
  );
}
