import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { formatDateTime } from '@/app/ui/format';
import { orNotFound } from '@/app/ui/or-not-found';
import { hasRole } from '@/lib/auth/roles';
import { requireActor } from '@/lib/auth/session';
import { deviceDeploymentStates, getDeploymentStatus, listDeploymentDevices, type DeviceDeploymentState } from '@/lib/deployments/status';
import { OutcomeChart } from './outcome-chart';
import { cellClass, KeysetPager, Table } from '@/app/ui/table';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Deployment status' };
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const stateLabels: Record<DeviceDeploymentState, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  succeeded: 'Succeeded',
  failed: 'Failed',
};
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

/**
 * Planned against happened for one deployment: counts, the chart over time and the device list
 * (keyset-paged, filterable by state, exportable). Readable by deployment managers, admins and the
 * service desk; the service checks the role again. The deployment page links here.
 */
export default async function DeploymentStatusPage({ params, searchParams }: Props) {
  const actor = await requireActor();
  // The /deployments area is for managers; the desk may read this page too (the service re-checks).
  if (!hasRole(actor, 'deployment_manager', 'admin', 'service_desk')) forbidden();
  const { id } = await params;
  const q = await searchParams;
  const stateParam = one(q.state);
  const state = deviceDeploymentStates.find((s) => s === stateParam);
  const afterHost = one(q.afterHost);
  const afterId = one(q.afterId);
  const after =
    afterHost !== undefined && afterId && /^[0-9a-f-]{36}$/i.test(afterId) ? { hostname: afterHost, deviceId: afterId } : undefined;
  const [status, page] = await Promise.all([
    orNotFound(getDeploymentStatus(actor, id)),
    orNotFound(listDeploymentDevices(actor, id, { state, after, limit: 50 })),
  ]);
  const { deployment: d, counts: c } = status;
  const tiles: [string, number, string][] = [
    ['Targeted', c.targeted, 'text-slate-900'],
    ['Pending', c.pending, 'text-slate-700'],
    ['In progress', c.inProgress, 'text-sky-700'],
    ['Succeeded', c.succeeded, 'text-emerald-700'],
    ['Failed', c.failed, 'text-red-700'],
    ['Not seen since start', c.notSeen, 'text-amber-700'],
    ['Past deadline', c.pastDeadline, 'text-red-800'],
  ];
  const filterHref = (s?: DeviceDeploymentState) => `/deployments/${d.id}/status${s ? `?state=${s}` : ''}`;
  const nextHref = page.next
    ? `/deployments/${d.id}/status?${new URLSearchParams({ ...(state ? { state } : {}), afterHost: page.next.hostname, afterId: page.next.deviceId })}`
    : null;
  return (
    <article>
      <Breadcrumb parent={{ href: `/deployments/${d.id}`, label: 'Deployment' }} current="Status" />
      <h1 className="mt-3 text-2xl font-semibold">{d.name}</h1>
      <p className="mt-1 text-slate-600">
        {d.product.name} {d.version} · {d.intent} · {d.status}
        {d.activatedAt && <> · active since {formatDateTime(d.activatedAt)}</>}
        {d.deadline && <> · deadline {formatDateTime(d.deadline)}</>}
        {d.cutoverAt && <> · cut-over {formatDateTime(d.cutoverAt)}</>}
      </p>

      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7" data-testid="status-counts">
        {tiles.map(([label, n, colour]) => (
          <div key={label} className="rounded-xl border border-slate-200 bg-white p-3">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className={`text-2xl font-semibold ${colour}`} data-testid={`count-${label.toLowerCase().replaceAll(' ', '-')}`}>
              {n.toLocaleString('en')}
            </dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="over-time" className="mt-8">
        <h2 id="over-time" className="mb-3 text-lg font-semibold">
          Over time
        </h2>
        <OutcomeChart {...status.timeline} />
      </section>

      <section aria-labelledby="devices" className="mt-8">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="devices" className="text-lg font-semibold">
            Devices
          </h2>
          <a
            href={`/deployments/${d.id}/status/export${state ? `?state=${state}` : ''}`}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
          >
            Export CSV
          </a>
        </div>
        <p className="mt-2 flex flex-wrap gap-2 text-sm">
          <Link href={filterHref()} className={state ? 'text-indigo-700 hover:underline' : 'font-semibold'}>
            All
          </Link>
          {deviceDeploymentStates.map((s) => (
            <Link key={s} href={filterHref(s)} className={state === s ? 'font-semibold' : 'text-indigo-700 hover:underline'}>
              {stateLabels[s]}
            </Link>
          ))}
        </p>
        {/* On a phone the table scrolls inside its own focusable region instead of widening the page. */}
        <Table
          label="Devices of this deployment"
          className="mt-3"
          head={['Device', 'Owner', 'State', 'Last event', 'Last seen']}
          testId="status-devices"
          empty={page.rows.length === 0 && 'No devices here.'}
          pager={
            <KeysetPager newestHref={after && filterHref(state)} newestLabel="⇤ First" olderHref={nextHref} olderLabel="Next page →" />
          }
        >
          {page.rows.map((r) => (
            <tr key={r.deviceId} className="border-t border-slate-100 align-top">
              <td className={`${cellClass} font-medium`}>
                <Link href={`/desk/devices/${r.deviceId}`} className="hover:underline">
                  {r.hostname}
                </Link>
              </td>
              <td className={cellClass}>{r.owner}</td>
              <td className={cellClass}>{stateLabels[r.state]}</td>
              <td className={`${cellClass} text-xs`}>
                {r.lastEvent ? (
                  <>
                    {r.lastEvent.type.replaceAll('_', ' ')} {r.lastEvent.version} · {formatDateTime(r.lastEvent.at)}
                    {r.lastEvent.errorText && <div className="mt-1 line-clamp-2 text-red-800">{r.lastEvent.errorText}</div>}
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td className={`${cellClass} whitespace-nowrap text-xs`}>{r.lastSeenAt ? formatDateTime(r.lastSeenAt) : 'never'}</td>
            </tr>
          ))}
        </Table>
      </section>
    </article>
  );
}
