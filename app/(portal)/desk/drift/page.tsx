import type { Metadata } from 'next';
import Link from 'next/link';
import { SupplierEventsTable } from '@/app/ui/supplier-events-table';
import { supplierDrift } from '@/lib/suppliers/queries';
import { formatDateTime } from '@/app/ui/format';
import { cellClass, KeysetPager, rowClass, Table } from '@/app/ui/table';
import { requireArea } from '@/lib/auth/session';
import { listDrift, type DriftCursor, type DriftKind } from '@/lib/deployments/drift';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Drift' };
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const kinds: Record<DriftKind, string> = {
  unplanned: 'Not planned',
  missing: 'Missing past deadline',
};
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cursorFrom(q: Record<string, string | string[] | undefined>): DriftCursor | undefined {
  const [hostname, deviceId, productId, kind] = [one(q.h), one(q.d), one(q.p), one(q.k)];
  if (hostname === undefined || !deviceId || !productId || !UUID.test(deviceId) || !UUID.test(productId)) return undefined;
  if (kind !== 'unplanned' && kind !== 'missing') return undefined;
  return { hostname, deviceId, productId, kind };
}

/**
 * Devices whose software differs from the plan: versions no request or deployment put there, and
 * required versions still missing after their deadline or cut-over. Paged by device name; CSV export.
 */
export default async function DriftPage({ searchParams }: Props) {
  const actor = await requireArea('/desk');
  const q = await searchParams;
  const kindParam = one(q.kind);
  const kind = kindParam === 'unplanned' || kindParam === 'missing' ? kindParam : undefined;
  const page = await listDrift(actor, { kind, after: cursorFrom(q), limit: 50 });
  const supplierRows = await supplierDrift(actor);
  const nextHref = page.next
    ? `/desk/drift?${new URLSearchParams({ ...(kind ? { kind } : {}), h: page.next.hostname, d: page.next.deviceId, p: page.next.productId, k: page.next.kind })}`
    : null;
  return (
    <article>
      <Breadcrumb parent={{ href: '/desk', label: 'Service desk' }} current="Drift" />
      <div className="mt-3 flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-semibold">Drift: installed against planned</h1>
        <a
          href={`/desk/drift/export${kind ? `?kind=${kind}` : ''}`}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
        >
          Export CSV
        </a>
      </div>
      <p className="mt-1 max-w-3xl text-slate-600">
        Devices running a version that no request or deployment put there, and devices still missing the release a required deployment asked
        for after its deadline or big-bang cut-over.
      </p>
      <p className="mt-3 flex gap-3 text-sm">
        <Link href="/desk/drift" className={kind ? 'text-indigo-700 hover:underline' : 'font-semibold'}>
          All
        </Link>
        {(Object.keys(kinds) as DriftKind[]).map((k) => (
          <Link key={k} href={`/desk/drift?kind=${k}`} className={kind === k ? 'font-semibold' : 'text-indigo-700 hover:underline'}>
            {kinds[k]}
          </Link>
        ))}
      </p>
      <Table
        label="Drift"
        className="mt-4"
        testId="drift-table"
        head={['Device', 'Owner', 'Software', 'Runs', 'Planned', 'Drift', 'Since']}
        empty={page.rows.length === 0 && 'No drift: every device runs what was planned for it.'}
        pager={
          <KeysetPager
            newestHref={cursorFrom(q) && `/desk/drift${kind ? `?kind=${kind}` : ''}`}
            newestLabel="⇤ First"
            olderHref={nextHref}
            olderLabel="Next page →"
          />
        }
      >
        {page.rows.map((r) => (
          <tr key={`${r.deviceId}-${r.product.id}-${r.kind}`} className={rowClass}>
            <td className={`${cellClass} font-medium`}>
              <Link href={`/desk/devices/${r.deviceId}`} className="hover:underline">
                {r.hostname}
              </Link>
            </td>
            <td className={cellClass}>{r.owner}</td>
            <td className={cellClass}>{r.product.name}</td>
            <td className={`${cellClass} font-mono text-xs`}>{r.currentVersion ?? 'nothing'}</td>
            <td className={`${cellClass} text-xs`}>
              {r.expectedVersion ? <span className="font-mono">{r.expectedVersion}</span> : '—'}
              {r.deployment && <div className="text-slate-500">{r.deployment.name}</div>}
            </td>
            <td className={cellClass}>{kinds[r.kind]}</td>
            <td className={`${cellClass} whitespace-nowrap text-xs`}>{formatDateTime(r.at)}</td>
          </tr>
        ))}
      </Table>
      <section className="mt-8" aria-labelledby="supplier-drift">
        <h2 id="supplier-drift" className="text-lg font-semibold">
          Supplier work nobody planned
        </h2>
        <p className="mb-2 mt-1 max-w-3xl text-sm text-slate-600">
          Deployments a supplier reported without an announcement covering them (or outside its window), and work in live without an
          approved change: unauthorised changes.
        </p>
        <SupplierEventsTable label="Supplier drift" rows={supplierRows} deviceLinks />
      </section>
    </article>
  );
}
