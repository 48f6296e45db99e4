import type { Metadata } from 'next';
import { orNotFound } from '@/app/ui/or-not-found';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { requireArea } from '@/lib/auth/session';
import { getRequestDetail, type RequestDetail } from '@/lib/requests/queries';
import { formatDateTime, platformLabels } from '@/app/ui/format';
import { RequestStatusBadge } from '@/app/ui/request-status-badge';
import { ago, dueIn } from '../format';
import { DecisionForm } from './decision-form';
import { StatusBadge } from '@/app/ui/status-badge';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Request' };

const actionLabels: Record<string, string> = {
  'request.submitted': 'Submitted',
  'approval.approved': 'Approved',
  'approval.rejected': 'Rejected',
  'request.stage_advanced': 'Moved to the next stage',
  'request.approved': 'Request approved',
  'request.rejected': 'Request rejected',
  'request.waiting_for_seat': 'Waiting for a licence seat',
  'request.expired': 'Expired',
  'request.cancelled': 'Cancelled by the requester',
  'request.fulfilled': 'Downloaded',
};

type StageState = 'done' | 'current' | 'open';

function stageState(r: RequestDetail, position: number): StageState {
  if (r.status === 'pending_approval' && r.stage !== null) return position < r.stage ? 'done' : position === r.stage ? 'current' : 'open';
  return r.status === 'approved' || r.status === 'fulfilled' || r.status === 'waiting_for_seat' ? 'done' : 'open';
}

const stageMarks: Record<StageState, string> = {
  done: 'bg-emerald-700 text-white',
  current: 'bg-indigo-600 text-white ring-4 ring-indigo-100',
  open: 'bg-slate-200 text-slate-600',
};

export default async function ApprovalRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireArea('/approvals');
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const r = await orNotFound(getRequestDetail(actor, id.data));
  const now = new Date();
  const due = r.status === 'pending_approval' ? dueIn(r.stageDueAt, now) : null;
  const facts: [string, React.ReactNode][] = [
    ['Requester', r.requester],
    ['Version', r.version ?? 'current release (the newest when approved)'],
    [
      'Device',
      <>
        <span className="font-mono">{r.device.hostname}</span> ·{' '}
        {platformLabels[r.device.platform as keyof typeof platformLabels] ?? r.device.platform}
      </>,
    ],
    [
      'Requested',
      <>
        {formatDateTime(r.createdAt)} <span className="text-slate-500">({ago(r.createdAt, now)})</span>
      </>,
    ],
  ];
  if (due && r.stageDueAt)
    facts.push([
      'Due',
      <>
        {formatDateTime(r.stageDueAt)}{' '}
        <span className={due.soon ? 'font-medium text-amber-700' : 'text-slate-500'} data-testid={due.soon ? 'due-soon' : undefined}>
          ({due.label})
        </span>
      </>,
    ]);
  if (r.closedReason) facts.push(['Reason', r.closedReason]);

  return (
    <div>
      <Breadcrumb parent={{ href: '/approvals', label: 'Approvals' }} current="Request" />
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{r.product.name}</h1>
        <RequestStatusBadge status={r.status} />
      </div>
      <p className="mt-1 text-slate-600">
        {r.requester} asks for {r.product.name} on {r.device.hostname}.
      </p>

      <div className="mt-6 grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="space-y-6">
          <section aria-labelledby="details" className="rounded-xl border border-slate-200 bg-white p-4">
            <h2 id="details" className="text-lg font-semibold">
              Details
            </h2>
            <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[8rem_1fr]">
              {facts.map(([term, value]) => (
                <div key={term} className="contents">
                  <dt className="font-medium text-slate-500">{term}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
            <h3 className="mt-4 text-sm font-medium text-slate-500">Justification</h3>
            <p className="mt-1 whitespace-pre-wrap rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="justification">
              {r.justification}
            </p>
          </section>

          <section aria-labelledby="history" className="rounded-xl border border-slate-200 bg-white p-4">
            <h2 id="history" className="text-lg font-semibold">
              History
            </h2>
            <ol className="mt-3 space-y-3 border-l border-slate-200 pl-4 text-sm">
              {r.history.map((h, i) => (
                <li key={i} className="relative" data-testid="history-entry">
                  <span aria-hidden="true" className="absolute -left-[1.3rem] top-1.5 h-2 w-2 rounded-full bg-slate-400" />
                  <div>
                    <span className="font-medium">{actionLabels[h.action] ?? h.action}</span> by {h.actor}
                  </div>
                  <time dateTime={h.at.toISOString()} className="text-xs text-slate-500">
                    {formatDateTime(h.at)}
                  </time>
                  {h.detail && <p className="mt-0.5 text-slate-700">{h.detail}</p>}
                </li>
              ))}
            </ol>
          </section>
        </div>

        <div className="space-y-6">
          <section aria-labelledby="stages" className="rounded-xl border border-slate-200 bg-white p-4">
            <h2 id="stages" className="text-lg font-semibold">
              Approval stages
            </h2>
            {r.stages.length === 0 ? (
              <p className="mt-2 text-sm text-slate-600">This product is approved automatically.</p>
            ) : (
              <ol className="mt-3 space-y-3 text-sm">
                {r.stages.map((s) => {
                  const state = stageState(r, s.position);
                  return (
                    <li
                      key={s.position}
                      aria-current={state === 'current' ? 'step' : undefined}
                      data-testid="stage"
                      className="flex items-start gap-3"
                    >
                      <span
                        aria-hidden="true"
                        className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${stageMarks[state]}`}
                      >
                        {state === 'done' ? '✓' : s.position}
                      </span>
                      <div>
                        <div className="font-medium">
                          {s.label}
                          {state === 'current' && (
                            <StatusBadge tone="accent" className="ml-2">
                              waiting
                            </StatusBadge>
                          )}
                          <span className="sr-only">{state === 'done' ? ' (done)' : state === 'open' ? ' (not reached)' : ''}</span>
                        </div>
                        <div className="text-xs text-slate-500">
                          {s.requiredApprovals > 1 ? `${s.requiredApprovals} approvals needed` : 'one approval needed'}
                        </div>
                      </div>
                    </li>
                  );
                })}
              </ol>
            )}
          </section>

          <section aria-labelledby="decision" className="rounded-xl border border-slate-200 bg-white p-4">
            <h2 id="decision" className="text-lg font-semibold">
              Your decision
            </h2>
            {!r.canDecide && (
              <p className="mt-2 text-sm text-slate-600" data-testid="no-decision">
                {r.status === 'pending_approval'
                  ? 'This stage of the request does not wait on you.'
                  : `This request is ${r.status.replace(/_/g, ' ')}; there is nothing to decide.`}
              </p>
            )}
            <DecisionForm requestId={r.id} stage={r.stage} canDecide={r.canDecide} />
          </section>
        </div>
      </div>
    </div>
  );
}
