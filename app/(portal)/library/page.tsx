import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { listLibrary } from '@/lib/catalogue/library';

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
      <div className="mt-6 overflow-x-auto rounded-xl border border-slate-200 bg-white" role="region" aria-label="Products" tabIndex={0}>
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Product
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Category
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Visibility
              </th>
              <th scope="col" className="px-4 py-2 text-right font-medium">
                Draft
              </th>
              <th scope="col" className="px-4 py-2 text-right font-medium">
                Published
              </th>
              <th scope="col" className="px-4 py-2 text-right font-medium">
                Deprecated
              </th>
              <th scope="col" className="px-4 py-2 text-right font-medium">
                Withdrawn
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.slug} className="border-t border-slate-100">
                <td className="px-4 py-2">
                  <Link href={`/library/products/${r.slug}`} className="font-medium text-indigo-700 hover:underline">
                    {r.name}
                  </Link>
                  <div className="text-xs text-slate-500">{r.publisher}</div>
                </td>
                <td className="px-4 py-2">{r.category}</td>
                <td className="px-4 py-2">{r.archived ? 'archived' : r.visibility === 'groups' ? 'selected groups' : 'everyone'}</td>
                <td className="px-4 py-2 text-right tabular-nums">{r.counts.draft}</td>
                <td className="px-4 py-2 text-right tabular-nums">{r.counts.published}</td>
                <td className="px-4 py-2 text-right tabular-nums">{r.counts.deprecated}</td>
                <td className="px-4 py-2 text-right tabular-nums">{r.counts.withdrawn}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && (
          <p className="px-4 py-10 text-center text-slate-600">The library is empty. Products appear here once created.</p>
        )}
      </div>
    </div>
  );
}
