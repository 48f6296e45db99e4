import type { Metadata } from 'next';
import { orNotFound } from '@/app/ui/or-not-found';
import Link from 'next/link';
import { cache } from 'react';
import { requireArea } from '@/lib/auth/session';
import { ADOPTION_DAYS } from '@/lib/installs/adoption';
import { devicesOnRelease, getProductAdoption } from '@/lib/installs/queries';
import { ReleaseStatusBadge } from '@/app/ui/status-badge';
import { AdoptionChart, versionColours } from './adoption-chart';
import { FailureHotspots, StillOnRelease } from './sections';
import { cellClass, Table } from '@/app/ui/table';
import { Breadcrumb } from '@/app/ui/breadcrumb';

type Props = { params: Promise<{ slug: string }> };

const STILL_ON_LIMIT = 50;

// Metadata and page share one read per request.
const load = cache(async (slug: string) => {
  const actor = await requireArea('/desk');
  const adoption = await orNotFound(getProductAdoption(actor, slug));
  // Deprecated and withdrawn releases that devices still run: the desk's follow-up list.
  // Withdrawn first: those are the ones to chase today.
  const lagging = adoption.versions
    .filter((v) => (v.status === 'withdrawn' || v.status === 'deprecated') && v.devices > 0)
    .sort((x, y) => Number(y.status === 'withdrawn') - Number(x.status === 'withdrawn'));
  const stillOn = await Promise.all(lagging.map((v) => devicesOnRelease(actor, v.releaseId, STILL_ON_LIMIT)));
  return { adoption, stillOn };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Adoption: ${(await load((await params).slug)).adoption.product.name}` };
}

export default async function ProductAdoptionPage({ params }: Props) {
  const { adoption: a, stillOn } = await load((await params).slug);
  const total = a.versions.reduce((n, v) => n + v.devices, 0);
  const colourOf = new Map(a.versions.map((v, i) => [v.releaseId, versionColours[i % versionColours.length]!]));
  const series = a.timeline.series.map((s) => ({
    version: s.version,
    status: a.versions.find((v) => v.releaseId === s.releaseId)!.status,
    colour: colourOf.get(s.releaseId)!,
    values: s.values,
  }));

  return (
    <article>
      <Breadcrumb parent={{ href: '/desk', label: 'Service desk' }} current="Adoption" />
      <header className="mt-4 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">{a.product.name}</h1>
          <p className="mt-1 text-slate-600">
            {a.product.publisher} · installed on {total.toLocaleString('en')} {total === 1 ? 'device' : 'devices'} now, by the install
            records
          </p>
        </div>
        <Link href={`/desk?product=${a.product.slug}`} className="text-sm font-medium text-indigo-700 hover:underline">
          Install records for this product →
        </Link>
      </header>

      <section className="mt-6" aria-labelledby="versions-heading">
        <h2 id="versions-heading" className="text-lg font-semibold">
          Versions in use
        </h2>
        <Table
          label="Versions"
          className="mt-3"
          head={[
            'Version',
            { label: 'Devices now', className: 'text-right' },
            { label: <span className="sr-only">Share</span>, className: 'w-1/3' },
            { label: `Installs, ${ADOPTION_DAYS} days`, className: 'text-right' },
            { label: 'Failed', className: 'text-right' },
          ]}
          testId="versions"
          empty={a.versions.length === 0 && 'This product has no published releases yet.'}
        >
          {a.versions.map((v) => (
            <tr key={v.releaseId} className="border-t border-slate-100" data-testid="version-row">
              <td className={`${cellClass} whitespace-nowrap`}>
                <span
                  className="mr-2 inline-block h-2.5 w-2.5 rounded-full"
                  style={{ background: colourOf.get(v.releaseId) }}
                  aria-hidden
                />
                <span className="font-medium">{v.version}</span> <ReleaseStatusBadge status={v.status} />
              </td>
              <td className={`${cellClass} text-right tabular-nums`} data-testid="device-count">
                {v.devices.toLocaleString('en')}
              </td>
              <td className={cellClass}>
                <div className="h-2 rounded-full bg-slate-100" aria-hidden>
                  <div
                    className="h-2 rounded-full"
                    style={{ width: `${total ? (v.devices / total) * 100 : 0}%`, background: colourOf.get(v.releaseId) }}
                  />
                </div>
              </td>
              <td className={`${cellClass} text-right tabular-nums`}>{v.succeeded.toLocaleString('en')}</td>
              <td className={`px-4 py-2 text-right tabular-nums ${v.failed ? 'text-red-700' : 'text-slate-500'}`}>
                {v.failed.toLocaleString('en')}
                {v.failed + v.succeeded > 0 && (
                  <span className="ml-1 text-xs text-slate-500">({Math.round((v.failed / (v.failed + v.succeeded)) * 100)} %)</span>
                )}
              </td>
            </tr>
          ))}
        </Table>
      </section>

      <section className="mt-8" aria-labelledby="chart-heading">
        <h2 id="chart-heading" className="text-lg font-semibold">
          Adoption over the last {ADOPTION_DAYS} days
        </h2>
        <p className="mt-1 mb-3 text-sm text-slate-600">Devices running each version at the end of each day (UTC).</p>
        <AdoptionChart days={a.timeline.days} series={series} productName={a.product.name} />
      </section>

      <FailureHotspots adoption={a} />
      {stillOn.map((s) => (
        <StillOnRelease key={s.release.id} data={s} limit={STILL_ON_LIMIT} />
      ))}
    </article>
  );
}
