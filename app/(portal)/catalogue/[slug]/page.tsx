import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { getProduct, type ProductDetail } from '@/lib/catalogue/service';
import { seesEverything } from '@/lib/catalogue/visibility';
import { NotFoundError } from '@/lib/errors';
import { formatBytes, formatDate, platformLabels } from '@/app/ui/format';
import { ProductIcon } from '@/app/ui/product-icon';
import { ReleaseStatusBadge } from '@/app/ui/status-badge';

type Props = { params: Promise<{ slug: string }> };

async function load(slug: string): Promise<{ product: ProductDetail; librarianView: boolean }> {
  const actor = await requireActor();
  try {
    return { product: await getProduct(actor, slug), librarianView: seesEverything(actor) };
  } catch (e) {
    if (e instanceof NotFoundError) notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { product } = await load((await params).slug);
  return { title: product.name };
}

function policyText(p: ProductDetail['policy']): string {
  if (p.length === 0) return 'Approved automatically';
  return p
    .map((s) =>
      s.kind === 'manager'
        ? 'your manager'
        : s.kind === 'group'
          ? s.requiredApprovals > 1
            ? `${s.requiredApprovals} of ${s.group}`
            : `${s.group}`
          : 'automatic',
    )
    .join(', then ');
}

export default async function ProductPage({ params }: Props) {
  const { product, librarianView } = await load((await params).slug);
  const current = product.current;
  return (
    <article>
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/catalogue" className="hover:underline">
          Catalogue
        </Link>{' '}
        /{' '}
        <Link href={`/catalogue?category=${encodeURIComponent(product.category)}`} className="hover:underline">
          {product.category}
        </Link>
      </nav>

      <header className="mt-4 flex flex-wrap items-start gap-5">
        <ProductIcon name={product.name} slug={product.slug} icon={product.icon} size="lg" />
        <div className="min-w-0 flex-1">
          <h1 className="text-2xl font-semibold">{product.name}</h1>
          <p className="text-slate-600">
            {product.publisher}
            {product.homepageUrl && (
              <>
                {' · '}
                <a href={product.homepageUrl} className="text-indigo-700 hover:underline" rel="noopener noreferrer" target="_blank">
                  Website
                </a>
              </>
            )}
          </p>
          <p className="mt-2 text-slate-800">{product.summary}</p>
        </div>
      </header>

      <div className="mt-8 grid gap-8 lg:grid-cols-[1fr_18rem]">
        <div className="space-y-8">
          <section aria-labelledby="about">
            <h2 id="about" className="text-lg font-semibold">
              About
            </h2>
            {product.description.split(/\n\s*\n/).map((para, i) => (
              <p key={i} className="mt-2 whitespace-pre-line text-slate-700">
                {para}
              </p>
            ))}
          </section>

          <section aria-labelledby="releases">
            <h2 id="releases" className="text-lg font-semibold">
              Releases
            </h2>
            {product.releases.length === 0 ? (
              <p className="mt-2 text-slate-600">No releases yet.</p>
            ) : (
              <ol className="mt-3 space-y-4">
                {product.releases.map((r) => (
                  <li key={r.id} className="rounded-xl border border-slate-200 bg-white p-4" data-testid="release">
                    <div className="flex flex-wrap items-center gap-2">
                      <h3 className="font-semibold">Version {r.version}</h3>
                      {r.id === current?.id && (
                        <span className="rounded-full bg-indigo-600 px-2 py-0.5 text-xs font-medium text-white">current</span>
                      )}
                      {librarianView && <ReleaseStatusBadge status={r.status} />}
                      {r.publishedAt && <span className="text-sm text-slate-500">published {formatDate(r.publishedAt)}</span>}
                      {librarianView && r.changeRef && <span className="text-sm text-slate-500">· change {r.changeRef}</span>}
                    </div>
                    {r.notes && <p className="mt-1 text-sm text-slate-700">{r.notes}</p>}
                    {r.withdrawReason && librarianView && <p className="mt-1 text-sm text-red-700">Withdrawn: {r.withdrawReason}</p>}
                    {r.artifacts.length > 0 && (
                      <div className="mt-3 overflow-x-auto">
                        <table className="w-full text-left text-sm">
                          <thead className="text-xs uppercase text-slate-500">
                            <tr>
                              <th scope="col" className="py-1 pr-4 font-medium">
                                Platform
                              </th>
                              <th scope="col" className="py-1 pr-4 font-medium">
                                File
                              </th>
                              <th scope="col" className="py-1 pr-4 font-medium">
                                Size
                              </th>
                              <th scope="col" className="py-1 font-medium">
                                SHA-256
                              </th>
                              {librarianView && (
                                <th scope="col" className="py-1 pl-4 font-medium">
                                  <span className="sr-only">Download</span>
                                </th>
                              )}
                            </tr>
                          </thead>
                          <tbody>
                            {r.artifacts.map((a) => (
                              <tr key={a.id} className="border-t border-slate-100 align-top">
                                <td className="py-1.5 pr-4 whitespace-nowrap">{platformLabels[a.platform]}</td>
                                <td className="py-1.5 pr-4 whitespace-nowrap">{a.fileName}</td>
                                <td className="py-1.5 pr-4 whitespace-nowrap" title={`${a.sizeBytes} bytes`}>
                                  {formatBytes(a.sizeBytes)}
                                </td>
                                <td className="py-1.5">
                                  <code className="break-all font-mono text-xs text-slate-700" data-testid="sha256">
                                    {a.sha256}
                                  </code>
                                  {a.corrupt && (
                                    <span className="ml-2 text-xs font-medium text-red-700">integrity failure: not served</span>
                                  )}
                                </td>
                                {/* Librarians test any build they may serve (drafts included); withdrawn and corrupt ones are never served. */}
                                {librarianView && (
                                  <td className="py-1.5 pl-4 whitespace-nowrap">
                                    {r.status !== 'withdrawn' && !a.corrupt && (
                                      <a
                                        href={`/api/artifacts/${a.id}/download`}
                                        className="text-indigo-700 hover:underline"
                                        data-testid="download-link"
                                        download
                                      >
                                        Download
                                      </a>
                                    )}
                                  </td>
                                )}
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>

        <aside className="space-y-4">
          <dl className="rounded-xl border border-slate-200 bg-white p-4 text-sm">
            <dt className="text-slate-500">Current version</dt>
            <dd className="font-medium" data-testid="current-version">
              {current ? current.version : 'None published'}
            </dd>
            <dt className="mt-3 text-slate-500">Platforms</dt>
            <dd>{current?.artifacts.map((a) => platformLabels[a.platform]).join(', ') || '—'}</dd>
            <dt className="mt-3 text-slate-500">Category</dt>
            <dd>{product.category}</dd>
            <dt className="mt-3 text-slate-500">Licence</dt>
            <dd>
              {product.licenceModel}
              {product.seatLimit !== null && ` · ${product.seatLimit} seats`}
            </dd>
            <dt className="mt-3 text-slate-500">Approval</dt>
            <dd>{policyText(product.policy)}</dd>
            {librarianView && product.restrictedTo && (
              <>
                <dt className="mt-3 text-slate-500">Visible to</dt>
                <dd>{product.restrictedTo.join(', ')}</dd>
              </>
            )}
          </dl>
        </aside>
      </div>
    </article>
  );
}
