import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { listLibrary } from '@/lib/catalogue/library';
import { cellClass, Table } from '@/app/ui/table';

export const metadata: Metadata = { title: 'Library' };

export default async function LibraryPage() {
  const actor = await requireArea('/library');
  const rows = await listLibrary(actor);
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Definitive media library</h1>
          <p className="mt-1 text-slate-600">Every product and the state of its releases, including drafts that requesters cannot see.</p>
          <p className="mt-1 text-sm">
            <Link href="/library/components" className="text-indigo-700 hover:underline">
              Which releases contain a component? →
            </Link>
            ·{' '}
            <Link href="/library/supplier-import" className="text-indigo-700 hover:underline">
              Record past supplier work (CSV) →
            </Link>
          </p>
        </div>
        <Link
          href="/library/products/new"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          New product
        </Link>
      </div>
      <Table
        label="Products"
        className="mt-6"
        head={[
          'Product',
          'Category',
          'Visibility',
          ...['Draft', 'Published', 'Deprecated', 'Withdrawn'].map((label) => ({ label, className: 'text-right' })),
        ]}
        empty={rows.length === 0 && 'The library is empty. Products appear here once created.'}
      >
        {rows.map((r) => (
          <tr key={r.slug} className="border-t border-slate-100">
            <td className={cellClass}>
              <Link href={`/library/products/${r.slug}`} className="font-medium text-indigo-700 hover:underline">
                {r.name}
              </Link>
              <div className="text-xs text-slate-500">{r.publisher}</div>
            </td>
            <td className={cellClass}>{r.category}</td>
            <td className={cellClass}>{r.archived ? 'archived' : r.visibility === 'groups' ? 'selected groups' : 'everyone'}</td>
            <td className={`${cellClass} text-right tabular-nums`}>{r.counts.draft}</td>
            <td className={`${cellClass} text-right tabular-nums`}>{r.counts.published}</td>
            <td className={`${cellClass} text-right tabular-nums`}>{r.counts.deprecated}</td>
            <td className={`${cellClass} text-right tabular-nums`}>{r.counts.withdrawn}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
