import type { Metadata } from 'next';
import Link from 'next/link';
import { platformValues } from '@/db/schema';
import { requireArea } from '@/lib/auth/session';
import { catalogueQuery, SEARCH_MAX } from '@/lib/catalogue/schema';
import { catalogueDeviceStates } from '@/lib/catalogue/device-state';
import { listCatalogue } from '@/lib/catalogue/service';
import { orNotFound } from '@/app/ui/or-not-found';
import { platformLabels } from '@/app/ui/format';
import { ProductIcon } from '@/app/ui/product-icon';
import { CardState } from './card-state';
import { Pagination } from './pagination';

export const metadata: Metadata = { title: 'Catalogue' };

type Search = Record<string, string | string[] | undefined>;

export default async function CataloguePage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireArea('/catalogue');
  const raw = await searchParams;
  const query = catalogueQuery.parse({ q: raw.q, category: raw.category, platform: raw.platform, page: raw.page });
  const shortened = typeof raw.q === 'string' && raw.q.trim().length > SEARCH_MAX;
  const result = await listCatalogue(actor, query);
  // Each card says what the product is on one of the actor's devices; the choice travels in the links.
  const { devices, device, states } = await orNotFound(
    catalogueDeviceStates(
      actor,
      result.items.map((p) => p.id),
      typeof raw.device === 'string' && raw.device ? raw.device : undefined,
    ),
  );
  const chosen = typeof raw.device === 'string' && device ? device.id : undefined;
  const filtered = Boolean(query.q || query.category || query.platform);
  const link = (change: Partial<Record<'q' | 'category' | 'platform' | 'page', string | undefined>>) => {
    const params = new URLSearchParams();
    const merged = { q: query.q, category: query.category, platform: query.platform, device: chosen, ...change };
    for (const [k, v] of Object.entries(merged)) if (v) params.set(k, v);
    const s = params.toString();
    return s ? `/catalogue?${s}` : '/catalogue';
  };

  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Catalogue</h1>
          <p className="mt-1 text-slate-600">Approved software from the definitive media library.</p>
        </div>
      </div>

      <form
        role="search"
        method="get"
        action="/catalogue"
        className={`mt-6 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 ${devices.length ? 'sm:grid-cols-[1fr_auto_auto_auto]' : 'sm:grid-cols-[1fr_auto_auto]'}`}
      >
        <div>
          <label htmlFor="q" className="sr-only">
            Search
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={query.q}
            maxLength={SEARCH_MAX}
            placeholder="Search by name, publisher or description"
            className="block w-full rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
          />
        </div>
        {/* The category is chosen with the chips below; a search keeps it. */}
        {query.category && <input type="hidden" name="category" value={query.category} />}
        <div>
          <label htmlFor="platform" className="sr-only">
            Platform
          </label>
          <select
            id="platform"
            name="platform"
            defaultValue={query.platform ?? ''}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2"
          >
            <option value="">All platforms</option>
            {platformValues.map((p) => (
              <option key={p} value={p}>
                {platformLabels[p]}
              </option>
            ))}
          </select>
        </div>
        {device && (
          <div>
            <label htmlFor="device" className="sr-only">
              Show the state on device
            </label>
            <select
              id="device"
              name="device"
              defaultValue={device.id}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2"
            >
              {devices.map((d) => (
                <option key={d.id} value={d.id}>
                  On {d.hostname}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500">
          Search
        </button>
      </form>

      <nav className="mt-4 flex flex-wrap items-center gap-2 text-sm" aria-label="Categories">
        <Link
          href={link({ category: undefined, page: undefined })}
          aria-current={!query.category ? 'page' : undefined}
          className={`rounded-full px-3 py-1 ${!query.category ? 'bg-slate-900 text-white' : 'bg-white ring-1 ring-slate-200 hover:bg-slate-100'}`}
        >
          All categories
        </Link>
        {result.categories.map((c) => (
          <Link
            key={c.name}
            href={link({ category: c.name, page: undefined })}
            aria-current={query.category === c.name ? 'page' : undefined}
            className={`rounded-full px-3 py-1 ${query.category === c.name ? 'bg-slate-900 text-white' : 'bg-white ring-1 ring-slate-200 hover:bg-slate-100'}`}
          >
            {c.name}{' '}
            <span aria-hidden="true" className={query.category === c.name ? 'text-slate-300' : 'text-slate-500'}>
              {c.count}
            </span>
          </Link>
        ))}
      </nav>

      {shortened && (
        <p className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="search-shortened">
          Searches are at most {SEARCH_MAX} characters; this one was shortened to its first {SEARCH_MAX}.
        </p>
      )}
      <p className="mt-6 text-sm text-slate-600" aria-live="polite" data-testid="result-count">
        {result.total === 1 ? '1 product' : `${result.total} products`}
        {filtered && (
          <>
            {result.total === 1 ? ' matches' : ' match'} your filters ·{' '}
            <Link href={chosen ? `/catalogue?device=${chosen}` : '/catalogue'} className="font-medium text-indigo-700 hover:underline">
              Clear filters
            </Link>
          </>
        )}
      </p>

      {result.items.length === 0 ? (
        <div className="mt-4 rounded-xl border border-dashed border-slate-300 bg-white px-6 py-16 text-center">
          {filtered ? (
            <>
              <h2 className="text-lg font-semibold">No products match</h2>
              <p className="mt-1 text-slate-600">
                {query.q ? <>Nothing matches “{query.q}”</> : 'Nothing matches these filters'}. Try fewer words or another category.
              </p>
              <Link href="/catalogue" className="mt-4 inline-block font-medium text-indigo-700 hover:underline">
                Show the whole catalogue
              </Link>
            </>
          ) : (
            <>
              <h2 className="text-lg font-semibold">The catalogue is empty for now</h2>
              <p className="mt-1 text-slate-600">
                No software has been published to you yet. The library team adds titles as they are approved.
              </p>
            </>
          )}
        </div>
      ) : (
        <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="product-list">
          {result.items.map((p) => (
            <li key={p.slug}>
              <Link
                href={`/catalogue/${p.slug}`}
                className="flex h-full gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition hover:border-indigo-300 hover:shadow"
              >
                <ProductIcon name={p.name} slug={p.slug} icon={p.icon} />
                <div className="min-w-0">
                  <h2 className="font-semibold" data-testid="product-name">
                    {p.name}
                  </h2>
                  <p className="text-sm text-slate-500">
                    {p.publisher} · {p.category}
                  </p>
                  <p className="mt-2 line-clamp-2 text-sm text-slate-700">{p.summary}</p>
                  <p className="mt-2 text-xs text-slate-500">
                    {p.currentVersion && <span className="font-medium text-slate-700">v{p.currentVersion}</span>}
                    {p.platforms.length > 0 && <> · {p.platforms.map((x) => platformLabels[x]).join(', ')}</>}
                  </p>
                  {device && <CardState state={states.get(p.id)} hostname={device.hostname} />}
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}

      <Pagination page={result.page} pageCount={result.pageCount} hrefFor={(page) => link({ page: page > 1 ? String(page) : undefined })} />
    </div>
  );
}
