import type { Metadata } from 'next';
import { orNotFound } from '@/app/ui/or-not-found';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { getProduct } from '@/lib/catalogue/service';
import { formatBytes, formatDate, platformLabels } from '@/app/ui/format';
import { ProductIcon } from '@/app/ui/product-icon';
import { ReleaseStatusBadge, StatusBadge } from '@/app/ui/status-badge';
import { ArtifactUpload } from './artifact-upload';
import { NewReleaseForm } from './new-release-form';
import { ReleaseControls, RemoveArtifactButton } from './release-controls';
import { Seats } from './seats';
import { getSeatUsage } from '@/lib/requests/seats';
import { policyWarnings } from '@/lib/catalogue/policy-health';
import { trustSummary } from '@/lib/trust/documents';
import { ReleaseTrustInfo } from './release-trust';
import { TrustPanel } from './trust-panel';
import { RingTemplate } from './ring-template';
import { UninstallCommandForm } from './uninstall-command-form';
import { uninstallCommandsOf } from '@/lib/dml/uninstall-command';

export const metadata: Metadata = { title: 'Manage product' };

export default async function ManageProductPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requireArea('/library');
  const product = await orNotFound(getProduct(actor, (await params).slug));
  const requireChangeRef = product.requireChangeRef;
  const [seats, warnings, trust, uninstallCommands] = await Promise.all([
    getSeatUsage(actor, product.id),
    policyWarnings(actor, product.id),
    trustSummary(product.releases.map((r) => r.id)),
    uninstallCommandsOf(product.releases.map((r) => r.id)),
  ]);
  return (
    <div>
      <nav className="text-sm text-slate-500">
        <Link href="/library" className="hover:underline">
          Library
        </Link>{' '}
        / {product.name}
      </nav>
      <header className="mt-3 flex flex-wrap items-center gap-4">
        <ProductIcon name={product.name} slug={product.slug} icon={product.icon} size="lg" />
        <div className="min-w-0 flex-1">
          <h1 className="text-2xl font-semibold">{product.name}</h1>
          <p className="text-slate-600">
            {product.publisher} · {product.category}
            {product.archived && ' · archived'}
            {product.restrictedTo && ` · visible to ${product.restrictedTo.join(', ')}`}
          </p>
        </div>
        <Link
          href={`/library/products/${product.slug}/edit`}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
        >
          Edit product
        </Link>
        <Link href={`/catalogue/${product.slug}`} className="text-sm font-medium text-indigo-700 hover:underline">
          View in catalogue
        </Link>
      </header>

      {warnings.length > 0 && (
        <section
          className="mt-6 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900"
          aria-labelledby="policy-warnings"
          data-testid="policy-warnings"
        >
          <h2 id="policy-warnings" className="font-semibold">
            The approval policy cannot always be met
          </h2>
          <ul className="mt-2 list-disc space-y-1 pl-5">
            {warnings.map((w) => (
              <li key={w.stage}>{w.message}</li>
            ))}
          </ul>
          <Link href={`/library/products/${product.slug}/edit`} className="mt-2 inline-block font-medium underline">
            Change the policy
          </Link>
        </section>
      )}

      <Seats usage={seats} slug={product.slug} />

      <TrustPanel productId={product.id} slug={product.slug} />

      <RingTemplate actor={actor} productId={product.id} slug={product.slug} />

      <section className="mt-8 rounded-xl border border-slate-200 bg-white p-5" aria-labelledby="new-release">
        <h2 id="new-release" className="font-semibold">
          New release
        </h2>
        <div className="mt-3">
          <NewReleaseForm productId={product.id} slug={product.slug} />
        </div>
      </section>

      <section className="mt-8" aria-labelledby="history">
        <h2 id="history" className="text-lg font-semibold">
          Release history
        </h2>
        {product.releases.length === 0 && (
          <p className="mt-2 text-slate-600">No releases yet. Create a draft above, add artifacts, then publish.</p>
        )}
        <ol className="mt-3 space-y-4">
          {product.releases.map((r) => (
            <li key={r.id} className="rounded-xl border border-slate-200 bg-white p-4" data-testid={`release-${r.version}`}>
              <div className="flex flex-wrap items-center gap-2">
                <h3 className="font-semibold">Version {r.version}</h3>
                <ReleaseStatusBadge status={r.status} />
                {r.id === product.current?.id && <StatusBadge tone="strong">current</StatusBadge>}
                {r.publishedAt && <span className="text-sm text-slate-500">published {formatDate(r.publishedAt)}</span>}
                {r.changeRef && <span className="text-sm text-slate-500">· change {r.changeRef}</span>}
              </div>
              {r.notes && <p className="mt-1 text-sm text-slate-700">{r.notes}</p>}
              {r.withdrawReason && <p className="mt-1 text-sm text-red-700">Withdrawn: {r.withdrawReason}</p>}
              {r.artifacts.length > 0 ? (
                <ul className="mt-3 divide-y divide-slate-100 text-sm">
                  {r.artifacts.map((a) => (
                    <li key={a.id} className="flex flex-wrap items-baseline gap-x-4 gap-y-1 py-1.5">
                      <span className="w-40 font-medium">{platformLabels[a.platform]}</span>
                      <span>{a.fileName}</span>
                      <span className="text-slate-500">{formatBytes(a.sizeBytes)}</span>
                      <code className="break-all font-mono text-xs text-slate-600">{a.sha256}</code>
                      {a.corrupt && <span className="text-xs font-semibold text-red-700">failed integrity check</span>}
                      {r.status === 'draft' && <RemoveArtifactButton artifactId={a.id} slug={product.slug} />}
                      {!a.corrupt && (
                        <UninstallCommandForm
                          artifactId={a.id}
                          slug={product.slug}
                          platform={platformLabels[a.platform]}
                          command={uninstallCommands.get(a.id) ?? null}
                        />
                      )}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-2 text-sm text-slate-600">No artifacts yet.</p>
              )}
              <ReleaseTrustInfo releaseId={r.id} slug={product.slug} draft={r.status === 'draft'} trust={trust.get(r.id)} />
              {r.status === 'draft' && (
                <div className="mt-3">
                  <ArtifactUpload releaseId={r.id} taken={r.artifacts.map((a) => a.platform)} />
                </div>
              )}
              <ReleaseControls releaseId={r.id} slug={product.slug} status={r.status} requireChangeRef={requireChangeRef} />
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
