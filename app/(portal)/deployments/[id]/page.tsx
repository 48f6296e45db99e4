import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { getDeploymentDetail } from '@/lib/deployments/queries';
import { DeploymentStatusBadge } from '@/app/ui/status-badge';
import { formatDateTime } from '@/app/ui/format';
import { orNotFound } from '@/app/ui/or-not-found';
import { cellClass, Table } from '@/app/ui/table';
import { DeploymentsNav } from '../sub-nav';
import { DeploymentControls } from './controls';
import { getPhaseTimeline } from '@/lib/rings/timeline';
import { PhaseTimelineView } from './phase-timeline';
import { RingControls } from './ring-controls';

export const metadata: Metadata = { title: 'Deployment' };

const minutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireArea('/deployments');
  const { id } = await params;
  const d = await orNotFound(getDeploymentDetail(actor, id));
  const timeline = await getPhaseTimeline(actor, id);
  const open = !['completed', 'cancelled'].includes(d.status);
  const { seats } = d;
  return (
    <div className="space-y-8">
      <div>
        <DeploymentsNav current="/deployments" />
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold">{d.name}</h1>
            <p className="mt-1 text-slate-600">
              {d.product.name} {d.release} · {d.intent === 'required' ? (d.cutoverAt ? 'required, big bang' : 'required') : 'available'} ·
              version {d.version}
            </p>
          </div>
          <div className="flex items-center gap-3">
            <DeploymentStatusBadge status={d.status} />
            <Link
              href={`/deployments/${d.id}/status`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
            >
              Progress
            </Link>
            {open && (
              <Link
                href={`/deployments/${d.id}/edit`}
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
              >
                Edit
              </Link>
            )}
          </div>
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-4">
          <Fact label="Target">{d.target.name}</Fact>
          <Fact label="Environment">{d.env.name}</Fact>
          <Fact label="Available from">{formatDateTime(d.availableFrom)}</Fact>
          <Fact label="Deadline">{d.deadline ? formatDateTime(d.deadline) : '—'}</Fact>
          <Fact label="Cut-over">{d.cutoverAt ? formatDateTime(d.cutoverAt) : '—'}</Fact>
          <Fact label="Window">
            {d.windowStartMinute !== null && d.windowEndMinute !== null
              ? `${minutes(d.windowStartMinute)}–${minutes(d.windowEndMinute)} ${d.windowTimeZone}`
              : 'any time'}
          </Fact>
          <Fact label="Change">{d.changeRef ?? '—'}</Fact>
          <Fact label="Created by">{d.creator}</Fact>
          <Fact label="Assigned devices">{d.success.assigned}</Fact>
          <Fact label="Succeeded">{d.success.succeeded}</Fact>
          {d.closedReason && <Fact label="Closed">{d.closedReason}</Fact>}
        </dl>
      </div>

      {d.product.seatLimit !== null && (
        <section aria-labelledby="seats">
          <h2 id="seats" className="text-lg font-semibold">
            Licence seats
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            {seats.inUse} of {seats.limit} seats in use, {seats.free} free. {seats.needing} covered device(s) hold no seat of{' '}
            {d.product.name} yet
            {seats.shortfall > 0 ? (
              <strong className="text-red-700"> — {seats.shortfall} would get no seat now.</strong>
            ) : (
              '; every one of them can get a seat.'
            )}
          </p>
          {d.waitingForSeat.length > 0 && (
            <div className="mt-3">
              <p className="text-sm text-slate-700">Waiting for a seat (served oldest first as seats free up):</p>
              <ul className="mt-1 list-inside list-disc text-sm">
                {d.waitingForSeat.map((w) => (
                  <li key={w.deviceId}>
                    {w.hostname} <span className="text-slate-500">since {formatDateTime(w.since)}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>
      )}

      {d.env.approvalGroupId && (
        <section aria-labelledby="approval">
          <h2 id="approval" className="text-lg font-semibold">
            Approval
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            {d.env.name} needs {d.env.requiredApprovals} approval(s) of version {d.version}; {d.approvalsForVersion} given.
          </p>
          {d.decisions.length > 0 && (
            <ul className="mt-2 space-y-1 text-sm">
              {d.decisions.map((x, i) => (
                <li key={i}>
                  <span className={x.decision === 'approved' ? 'text-emerald-700' : 'text-red-700'}>{x.decision}</span> by {x.approver}
                  {x.onBehalfOfId ? ' (as delegate)' : ''} on version {x.version}, {formatDateTime(x.decidedAt)}
                  {x.comment && <span className="text-slate-600"> — “{x.comment}”</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {timeline && <PhaseTimelineView timeline={timeline} />}
      {timeline && <RingControls id={d.id} status={d.status} nextPhase={timeline.nextPhase} fixedReleases={timeline.fixedReleases} />}

      <DeploymentControls
        id={d.id}
        version={d.version}
        canSchedule={d.status === 'draft'}
        canCancel={open}
        needsApproval={!!d.env.approvalGroupId}
      />

      <section aria-labelledby="history">
        <h2 id="history" className="mb-2 text-lg font-semibold">
          History
        </h2>
        <Table label="Versions" head={['Version', 'When', 'By', 'Reason']}>
          {d.revisions.map((r) => (
            <tr key={r.version} className="border-t border-slate-100">
              <td className={cellClass}>{r.version}</td>
              <td className={`${cellClass} whitespace-nowrap`}>{formatDateTime(r.changedAt)}</td>
              <td className={cellClass}>{r.by ?? 'system'}</td>
              <td className={cellClass}>{r.reason}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
