import type { Metadata } from 'next';
import Link from 'next/link';
import { inputClass } from '@/app/ui/form';
import { cellClass, Table } from '@/app/ui/table';
import { requireArea } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { searchComponents, type ComponentHit } from '@/lib/trust/component-search';

export const metadata: Metadata = { title: 'Components in releases' };
export const dynamic = 'force-dynamic';

/** "Which releases contain component X (version range)?", answered from the stored SBOMs. */
export default async function ComponentSearchPage({ searchParams }: { searchParams: Promise<{ name?: string; range?: string }> }) {
  await requireArea('/library');
  const { name = '', range = '' } = await searchParams;
  let hits: ComponentHit[] | null = null;
  let error: string | null = null;
  if (name.trim()) {
    try {
      hits = await searchComponents({ name: name.slice(0, 200), range: range.slice(0, 200) });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      error = e.message;
    }
  }
  return (
    <div>
      <nav className="text-sm text-slate-500">
        <Link href="/library" className="hover:underline">
          Library
        </Link>{' '}
        / Components
      </nav>
      <h1 className="mt-3 text-2xl font-semibold">Which releases contain a component?</h1>
      <form className="mt-4 flex flex-wrap items-end gap-3" role="search" aria-label="Search components">
        <label className="text-sm font-medium text-slate-700">
          Component name
          <input name="name" defaultValue={name} className={`${inputClass} w-64`} maxLength={200} placeholder="log4j-core" />
        </label>
        <label className="text-sm font-medium text-slate-700">
          Version range (semver, optional)
          <input name="range" defaultValue={range} className={`${inputClass} w-64`} maxLength={200} placeholder=">=2.0.0 <2.17.1" />
        </label>
        <button type="submit" className="rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-800">
          Search
        </button>
      </form>
      {error && (
        <p role="alert" className="mt-4 text-sm text-red-700">
          {error}
        </p>
      )}
      {hits && (
        <div className="mt-6">
          <Table
            label="Releases containing the component"
            head={['Product', 'Release', 'Status', 'Component', 'Licence', 'Package URL']}
            empty={hits.length === 0 && 'No release contains it.'}
          >
            {hits.map((h, i) => (
              <tr key={i} className="border-b border-slate-100">
                <td className={cellClass}>
                  <Link href={`/library/products/${h.productSlug}`} className="font-medium text-indigo-700 hover:underline">
                    {h.product}
                  </Link>
                </td>
                <td className={cellClass}>{h.releaseVersion}</td>
                <td className={cellClass}>{h.releaseStatus}</td>
                <td className={cellClass}>
                  {h.component} {h.componentVersion}
                </td>
                <td className={cellClass}>{h.licences || '—'}</td>
                <td className={`${cellClass} break-all font-mono text-xs`}>{h.purl ?? ''}</td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </div>
  );
}
