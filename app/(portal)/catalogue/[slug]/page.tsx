import type { Metadata } from 'next';
import { orNotFound } from '@/app/ui/or-not-found';
import Link from 'next/link';
import { cache } from 'react';
import type { Actor } from '@/lib/auth/roles';
import { requireArea } from '@/lib/auth/session';
import { getProduct, type ProductDetail } from '@/lib/catalogue/service';
import { seesEverything } from '@/lib/catalogue/visibility';
import { NotFoundError } from '@/lib/errors';
import { activeEntitlementsFor, listRequestableDevices, type RequestableDevice } from '@/lib/requests/devices-for-request';
import { seatsLeft } from '@/lib/requests/seats';
import { installedOnMyDevices, namesOr, waitingFor } from '@/lib/requests/device-product-state';
import { openRequestsFor } from '@/lib/requests/submit';
import { formatDate, platformLabels } from '@/app/ui/format';
import { ProductIcon } from '@/app/ui/product-icon';
import { RequestStatusBadge } from '@/app/ui/request-status-badge';
import { RenderedMarkdown } from '@/app/ui/markdown';
import { ReleaseHistory } from './release-history';
import { RequestForm, type FormRelease } from './request-form';
import { SeatsNote } from './seats-note';
import { ScreenshotGallery } from './screenshot-gallery';

type Props = { params: Promise<{ slug: string }> };

// Metadata and page share one read per request.
const load = cache(async (slug: string): Promise<{ actor: Actor; product: ProductDetail; librarianView: boolean }> => {
  const actor = await requireArea('/catalogue');
  return { actor, product: await orNotFound(getProduct(actor, slug)), librarianView: seesEverything(actor) };
});

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
  const { actor, product, librarianView } = await load((await params).slug);
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
                <a
                  href={product.homepageUrl}
                  className="text-indigo-700 underline underline-offset-2 hover:text-indigo-900"
                  rel="noopener noreferrer"
                  target="_blank"
                >
                  Website<span className="sr-only"> (opens in a new tab)</span>
                </a>
              </>
            )}
          </p>
          <p className="mt-2 text-slate-800">{product.summary}</p>
        </div>
      </header>

      <div className="mt-8 grid gap-8 lg:grid-cols-[1fr_20rem]">
        <div className="min-w-0 space-y-8">
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

          <ScreenshotGallery screenshots={product.screenshots} />

          {current && (
            <section aria-labelledby="whats-new">
              <h2 id="whats-new" className="text-lg font-semibold">
                What’s new in {current.version}
              </h2>
              {current.publishedAt && <p className="text-sm text-slate-500">Published {formatDate(current.publishedAt)}</p>}
              {current.notes.trim() ? (
                <RenderedMarkdown html={current.notesHtml} className="mt-2" />
              ) : (
                <p className="mt-2 text-sm text-slate-600">No release notes for this version.</p>
              )}
            </section>
          )}

          <ReleaseHistory releases={product.releases} currentId={current?.id ?? null} librarianView={librarianView} />
        </div>

        {/* On a phone the request panel comes first: it is what people open the page for. */}
        <aside className="order-first space-y-4 lg:order-none">
          <RequestPanel actor={actor} product={product} />
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

const releaseOption = (r: ProductDetail['releases'][number]): FormRelease => ({
  id: r.id,
  version: r.version,
  platforms: r.artifacts.filter((a) => !a.corrupt).map((a) => a.platform),
});

/**
 * What the signed-in user can do about this product: see the request or entitlement they already
 * have, or request it for one of their devices.
 */
async function RequestPanel({ actor, product }: { actor: Actor; product: ProductDetail }) {
  let devices: RequestableDevice[] | null;
  try {
    devices = product.current ? await listRequestableDevices(actor, product.id) : null;
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    devices = null; // e.g. a librarian looking at a product that is not open to them as a requester
  }
  const [open, held] = devices
    ? await Promise.all([openRequestsFor(actor, product.id), activeEntitlementsFor(actor, product.id)])
    : [[], []];
  const heldDevices = new Set(held.map((h) => h.deviceId));
  // An approved request is shown as the entitlement it granted.
  const waiting = open.filter((r) => !heldDevices.has(r.deviceId));
  const [installed, approvers] = devices
    ? await Promise.all([
        installedOnMyDevices(actor, product.id),
        waitingFor(
          actor,
          waiting.map((r) => r.id),
        ),
      ])
    : [new Map<string, { version: string; releaseId: string }>(), new Map<string, string[]>()];
  const covered = new Set([...heldDevices, ...open.map((r) => r.deviceId)]);
  const seats = devices ? await seatsLeft(actor, product.id) : null;
  const hostname = (id: string) => devices?.find((d) => d.id === id)?.hostname ?? 'another device';
  const others = (devices ?? []).filter((d) => !covered.has(d.id));

  const form =
    product.current && others.length > 0 ? (
      <RequestForm
        productId={product.id}
        slug={product.slug}
        current={releaseOption(product.current)}
        releases={product.releases.filter((r) => r.status === 'published').map(releaseOption)}
        devices={others.map((d) => ({ id: d.id, hostname: d.hostname, platform: d.platform, pending: d.status === 'pending' }))}
      />
    ) : null;

  return (
    <section
      aria-labelledby="request-heading"
      className="rounded-xl border border-slate-200 bg-white p-4 text-sm"
      data-testid="request-panel"
    >
      <h2 id="request-heading" className="text-base font-semibold">
        Request
      </h2>
      {seats && <SeatsNote seats={seats} />}
      {!devices ? (
        <p className="mt-2 text-slate-600">This product cannot be requested: it has no published release open to you.</p>
      ) : devices.length === 0 ? (
        <p className="mt-2 text-slate-600">
          You have no enrolled devices to install it on. Devices are enrolled on the{' '}
          <Link href="/devices" className="font-medium text-indigo-700 hover:underline">
            Devices
          </Link>{' '}
          page.
        </p>
      ) : (
        <div className="mt-3 space-y-3">
          {held.map((h) => {
            const inst = installed.get(h.deviceId);
            // A newer published release the entitlement covers: one step to get it.
            const update = inst && product.current && h.includesLaterReleases && inst.releaseId !== product.current.id;
            return (
              <p
                key={h.id}
                className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-emerald-900"
                data-testid="held"
                data-state={update ? 'update' : inst ? 'installed' : 'entitled'}
              >
                {update ? (
                  <>
                    <span className="font-medium">Update available</span> on {h.hostname}: {inst.version} → {product.current!.version}
                  </>
                ) : inst ? (
                  <>
                    <span className="font-medium">Installed {inst.version}</span> on {h.hostname}
                  </>
                ) : (
                  <>
                    You may install it on <span className="font-medium">{h.hostname}</span>
                    {h.version && !h.includesLaterReleases ? ` (version ${h.version})` : ''}
                  </>
                )}
                {h.requestId && (!inst || update) && (
                  <>
                    {' — '}
                    <Link href={`/requests/${h.requestId}#download`} className="font-medium text-indigo-700 underline">
                      {update ? 'Update' : 'Download'}
                    </Link>
                  </>
                )}
              </p>
            );
          })}
          {waiting.map((r) => (
            <div key={r.id} className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-950" data-testid="open-request">
              <div className="flex flex-wrap items-center gap-2">
                <span>
                  {approvers.has(r.id) ? (
                    <>
                      Requested for <span className="font-medium">{hostname(r.deviceId)}</span>, waiting for{' '}
                      <span className="font-medium">{namesOr(approvers.get(r.id)!)}</span>
                    </>
                  ) : (
                    <>
                      You have an open request for <span className="font-medium">{hostname(r.deviceId)}</span>
                    </>
                  )}
                </span>
                <RequestStatusBadge status={r.status} />
              </div>
              <Link href={`/requests/${r.id}`} className="mt-1 inline-block font-medium text-indigo-700 underline">
                View it
              </Link>
            </div>
          ))}
          {held.length + waiting.length === 0 ? (
            form
          ) : form ? (
            <div className="border-t border-slate-200 pt-3">
              <h3 className="mb-2 font-medium">Request it for another device</h3>
              {form}
            </div>
          ) : null}
        </div>
      )}
    </section>
  );
}
