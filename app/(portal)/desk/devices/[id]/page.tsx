import type { Metadata } from 'next';
import { orNotFound } from '@/app/ui/or-not-found';
import Link from 'next/link';
import { SupplierEventsTable } from '@/app/ui/supplier-events-table';
import { listSupplierEvents } from '@/lib/suppliers/queries';
import { cache } from 'react';
import { requireArea } from '@/lib/auth/session';
import { DEVICE_TIMELINE_LIMIT } from '@/lib/installs/device-view';
import { getDeviceView } from '@/lib/installs/queries';
import { formatDate, formatDateTime, platformLabels } from '@/app/ui/format';
import { ReleaseStatusBadge } from '@/app/ui/status-badge';
import { OutcomeBadge, ShortHash, shortId } from '../../outcome-badge';
import { ReassignDeviceForm } from './reassign-form';
import { RevokeDeviceForm } from './revoke-form';
import { PlacementForm } from './placement-form';
import { getDevicePlacement } from '@/lib/devices/placement';
import { listEnvironments } from '@/lib/deployments/environments';
import { deviceStatusTones, StatusBadge } from '@/app/ui/status-badge';
import { cellClass, Table } from '@/app/ui/table';
import { Breadcrumb } from '@/app/ui/breadcrumb';
import { listDeviceRemovals } from '@/lib/removals/queries';
import { RemovalCell } from '@/app/(portal)/devices/[id]/software/removal-cell';

type Props = { params: Promise<{ id: string }> };

// Metadata and page share one read per request.
const load = cache(async (id: string) => {
  const actor = await requireArea('/desk');
  const [view, placement] = await Promise.all([orNotFound(getDeviceView(actor, id)), orNotFound(getDevicePlacement(actor, id))]);
  return { ...view, placement };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Device ${(await load((await params).id)).hostname}` };
}

function RequestLink({ id }: { id: string | null }) {
  if (!id) return <span className="text-xs text-slate-500">none</span>;
  return (
    <Link href={`/requests/${id}`} className="font-mono text-xs text-indigo-700 hover:underline" title={id}>
      {shortId(id)}
    </Link>
  );
}

export default async function DevicePage({ params }: Props) {
  const [d, environments] = await Promise.all([load((await params).id), listEnvironments()]);
  const [supplierWork, removals] = await Promise.all([
    listSupplierEvents(await requireArea('/desk'), { deviceId: d.id, limit: 50 }),
    listDeviceRemovals(d.id),
  ]);
  // The desk may ask for a removal on anyone's device (the service re-checks the role); the seat
  // returns only when the agent reports the software gone, as for the owner's own request.
  const openRemoval = new Map(removals.filter((r) => r.status === 'pending' || r.status === 'failed').map((r) => [r.productSlug, r]));
  const facts: [string, React.ReactNode][] = [
    [
      'Owner',
      <>
        {d.owner ? (
          <>
            {d.owner.name} <span className="text-slate-500">· {d.owner.email}</span>
          </>
        ) : (
          <span className="text-slate-500">Nobody (owner deactivated)</span>
        )}
      </>,
    ],
    ['Platform', platformLabels[d.platform]],
    ['Serial number', d.serial ?? '—'],
    ['Agent version', d.agentVersion ?? 'not reported'],
    ['Last seen', d.lastSeenAt ? formatDateTime(d.lastSeenAt) : 'never'],
    ['Added', formatDate(d.enrolledAt)],
  ];
  return (
    <article>
      <Breadcrumb parent={{ href: '/desk', label: 'Service desk' }} current="Device" />
      <header className="mt-4 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{d.hostname}</h1>
        <StatusBadge tone={deviceStatusTones[d.status as keyof typeof deviceStatusTones] ?? 'neutral'} testId="device-status">
          {d.status}
        </StatusBadge>
      </header>
      <dl className="mt-4 grid gap-x-8 gap-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm sm:grid-cols-2 lg:grid-cols-3">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt className="text-xs font-medium uppercase text-slate-500">{k}</dt>
            <dd className="mt-0.5">{v}</dd>
          </div>
        ))}
      </dl>

      <section className="mt-8" aria-labelledby="software-heading">
        <h2 id="software-heading" className="text-lg font-semibold">
          Current software
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          What the ledger says is installed: the latest successful install of each product, unless uninstalled since.
        </p>
        {d.software.length === 0 ? (
          <p
            className="mt-3 rounded-xl border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-slate-600"
            data-testid="software-empty"
          >
            No installs recorded for this device yet.
          </p>
        ) : (
          <Table
            label="Software on this device"
            className="mt-3"
            head={['Product', 'Version', 'Installed', 'Artifact', 'Request', 'Removal']}
            testId="current-software"
          >
            {d.software.map((s) => (
              <tr key={s.product.slug} className="border-t border-slate-100">
                <td className={cellClass}>
                  <Link href={`/desk/products/${s.product.slug}`} className="font-medium text-indigo-700 hover:underline">
                    {s.product.name}
                  </Link>
                </td>
                <td className={`${cellClass} whitespace-nowrap`}>
                  {s.version} {s.releaseStatus !== 'published' && <ReleaseStatusBadge status={s.releaseStatus} />}
                </td>
                <td className={`${cellClass} whitespace-nowrap`}>{formatDateTime(s.installedAt)}</td>
                <td className={cellClass}>
                  <ShortHash sha256={s.sha256} />
                </td>
                <td className={cellClass}>
                  <RequestLink id={s.requestId} />
                </td>
                <td className={cellClass} data-testid="removal-cell">
                  <RemovalCell
                    deviceId={d.id}
                    removal={openRemoval.get(s.product.slug)}
                    product={s.product}
                    canRemove={d.status === 'active'}
                  />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>

      <section className="mt-8" aria-labelledby="timeline-heading">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="timeline-heading" className="text-lg font-semibold">
            Install history
          </h2>
          <Link href={`/desk?device=${encodeURIComponent(d.hostname)}`} className="text-sm font-medium text-indigo-700 hover:underline">
            Search its records →
          </Link>
        </div>
        {d.timeline.length === 0 ? (
          <p
            className="mt-3 rounded-xl border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-slate-600"
            data-testid="timeline-empty"
          >
            No downloads or installs reported yet. They appear here when the device pulls software.
          </p>
        ) : (
          <ol className="mt-3 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white" data-testid="timeline">
            {d.timeline.map((t) => (
              <li key={t.id} className="flex flex-wrap items-start gap-x-4 gap-y-1 px-4 py-3 text-sm">
                <time dateTime={t.occurredAt.toISOString()} className="w-48 shrink-0 tabular-nums text-slate-600">
                  {formatDateTime(t.occurredAt)}
                </time>
                <span className="w-36 shrink-0">
                  <OutcomeBadge type={t.type} />
                </span>
                <div className="min-w-0 flex-1">
                  <span className="font-medium">{t.product.name}</span> {t.version}
                  <span className="text-xs text-slate-500">
                    {' '}
                    · request <RequestLink id={t.requestId} />
                    {t.approver && ` · approved by ${t.approver}`}
                    {t.agentVersion && ` · agent ${t.agentVersion}`}
                    {t.exitCode !== null && ` · exit ${t.exitCode}`}
                  </span>
                  {t.errorText && <pre className="mt-1 whitespace-pre-wrap break-words font-sans text-xs text-red-800">{t.errorText}</pre>}
                </div>
              </li>
            ))}
          </ol>
        )}
        {d.timeline.length === DEVICE_TIMELINE_LIMIT && (
          <p className="mt-2 text-xs text-slate-500">The latest {DEVICE_TIMELINE_LIMIT} events; search its records for the rest.</p>
        )}
      </section>

      <section className="mt-8" aria-labelledby="supplier-heading">
        <h2 id="supplier-heading" className="mb-2 text-lg font-semibold">
          Supplier deployments
        </h2>
        <SupplierEventsTable label="Supplier deployments on this device" rows={supplierWork} />
      </section>

      <section className="mt-8 rounded-xl border border-slate-200 bg-white p-4" aria-labelledby="placement-heading">
        <h2 id="placement-heading" className="text-lg font-semibold">
          Placement
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Deployment targets select devices by these; a change takes effect at the next assignment sweep.
        </p>
        <PlacementForm placement={d.placement} environments={environments} />
      </section>

      {!d.owner && (
        <section className="mt-8 rounded-xl border border-amber-200 bg-white p-4" aria-labelledby="owner-heading">
          <h2 id="owner-heading" className="text-lg font-semibold">
            Give this device an owner
          </h2>
          <ReassignDeviceForm deviceId={d.id} />
        </section>
      )}

      <section id="device-actions" className="mt-8 rounded-xl border border-red-200 bg-white p-4" aria-labelledby="actions-heading">
        <h2 id="actions-heading" className="text-lg font-semibold">
          Revoke this device
        </h2>
        <RevokeDeviceForm deviceId={d.id} hostname={d.hostname} status={d.status} />
      </section>
    </article>
  );
}
