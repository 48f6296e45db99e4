import type { Metadata } from 'next';
import { orNotFound } from '@/app/ui/or-not-found';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';
import type { Platform } from '@/db/schema';
import { requireActor } from '@/lib/auth/session';
import { getRequestDetail } from '@/lib/requests/queries';
import type { HistoryEntry, RequestDetail } from '@/lib/requests/queries';
import { formatBytes, formatDate, formatDateTime, platformLabels } from '@/app/ui/format';
import { RequestStatusBadge } from '@/app/ui/request-status-badge';
import { CancelButton } from './cancel-button';
import { InstallState } from './install-state';
import { Breadcrumb } from '@/app/ui/breadcrumb';

type Props = { params: Promise<{ id: string }> };

// Metadata and page share one read per request.
const load = cache(async (id: string) => {
  const actor = await requireActor();
  if (!z.uuid().safeParse(id).success) notFound();
  return orNotFound(getRequestDetail(actor, id));
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const r = await load((await params).id);
  return { title: `Request: ${r.product.name}` };
}

const actions: Record<string, string> = {
  'request.submitted': 'Submitted',
  'approval.approved': 'Approved',
  'approval.rejected': 'Rejected',
  'request.approved': 'Approved — entitlement granted',
  'request.waiting_for_seat': 'Approved — waiting for a licence seat',
  'request.rejected': 'Request closed as rejected',
  'request.expired': 'Expired — no decision before the due date',
  'request.cancelled': 'Cancelled',
  'request.fulfilled': 'Downloaded — fulfilled',
};

/** The history entry in plain words, with what else it says (comment, reason, stage). */
function describe(h: HistoryEntry): { action: string; detail: string | null } {
  if (h.action === 'request.stage_advanced') {
    const n = h.detail?.match(/^stage (\d+)/)?.[1];
    return { action: n ? `Moved to stage ${n}` : 'Moved to the next stage', detail: null };
  }
  const detail = h.detail ? h.detail.charAt(0).toUpperCase() + h.detail.slice(1) : null;
  return { action: actions[h.action] ?? h.action, detail };
}

type StageState = 'approved' | 'current' | 'upcoming' | 'stopped' | 'not reached';

/** Where each approval stage stands, from the request's status and how far its history got. */
function stageStates(r: RequestDetail): StageState[] {
  const granted = r.status === 'approved' || r.status === 'fulfilled' || r.status === 'waiting_for_seat';
  if (granted) return r.stages.map(() => 'approved');
  if (r.status === 'pending_approval') {
    const at = r.stages.findIndex((s) => s.position === r.stage);
    return r.stages.map((_, i) => (i < at ? 'approved' : i === at ? 'current' : 'upcoming'));
  }
  // Rejected for want of a seat: every stage had approved it.
  if (r.status === 'rejected' && !r.history.some((h) => h.action === 'approval.rejected')) return r.stages.map(() => 'approved');
  // Closed before approval: the stage it had reached is where it stopped.
  const reached = r.history.filter((h) => h.action === 'request.stage_advanced').length;
  return r.stages.map((_, i) => (i < reached ? 'approved' : i === reached ? 'stopped' : 'not reached'));
}

const stageStyles: Record<StageState, { dot: string; text: string }> = {
  approved: { dot: 'bg-emerald-700 text-white', text: 'Approved' },
  current: { dot: 'bg-amber-400 text-amber-950 ring-4 ring-amber-100', text: 'Waiting for a decision' },
  upcoming: { dot: 'bg-slate-200 text-slate-600', text: 'Next' },
  stopped: { dot: 'bg-red-700 text-white', text: 'Stopped here' },
  'not reached': { dot: 'bg-slate-200 text-slate-500', text: 'Not reached' },
};

const stoppedText: Partial<Record<RequestDetail['status'], string>> = {
  rejected: 'Rejected here',
  cancelled: 'Cancelled while waiting here',
  expired: 'Expired while waiting here',
};

/** Where the breadcrumb leads: the desk reading someone's request did not come from "My requests". */
const back = {
  requester: { href: '/requests', label: 'My requests' },
  approver: { href: '/approvals', label: 'Approvals' },
  desk: { href: '/desk', label: 'Service desk' },
} as const;

function verifyHint(platform: string, fileName: string) {
  if (platform.startsWith('windows')) return `Get-FileHash -Algorithm SHA256 ${fileName}`;
  if (platform.startsWith('macos')) return `shasum -a 256 ${fileName}`;
  return null;
}

export default async function RequestPage({ params }: Props) {
  const r = await load((await params).id);
  const states = stageStates(r);
  const current = r.stages.findIndex((s) => s.position === r.stage);
  const platform = platformLabels[r.device.platform as Platform] ?? r.device.platform;

  return (
    <article>
      <Breadcrumb parent={{ href: back[r.viewedAs].href, label: back[r.viewedAs].label }} current="Request" />

      <header className="mt-4 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold">{r.product.name}</h1>
            <RequestStatusBadge status={r.status} />
          </div>
          <p className="mt-1 text-slate-600">
            Requested by {r.requester} on {formatDateTime(r.createdAt)}
          </p>
          {r.status === 'pending_approval' && current >= 0 && (
            <p className="mt-2 font-medium text-amber-800" data-testid="stage-info">
              Waiting for stage {current + 1} of {r.stages.length} ({r.stages[current]!.label})
              {r.stageDueAt && <span className="font-normal text-slate-600"> · decision due {formatDateTime(r.stageDueAt)}</span>}
            </p>
          )}
          {r.status === 'waiting_for_seat' && (
            <p className="mt-2 font-medium text-sky-800">
              Approved. Every licence seat is in use; it will be fulfilled, first come first served, as soon as one is free.
            </p>
          )}
          {r.closedReason && (
            <p className="mt-2 text-slate-800" data-testid="closed-reason">
              <span className="font-medium">{r.status === 'rejected' ? 'Reason' : 'Closed'}:</span> {r.closedReason}
            </p>
          )}
        </div>
      </header>

      <div className="mt-8 grid gap-8 lg:grid-cols-[1fr_18rem]">
        <div className="min-w-0 space-y-8">
          {r.withdrawn && (
            <section
              aria-labelledby="withdrawn-heading"
              className="rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-900"
              data-testid="withdrawn"
            >
              <h2 id="withdrawn-heading" className="text-lg font-semibold">
                Version {r.withdrawn.version} was withdrawn
              </h2>
              <p className="mt-1">Withdrawn: {r.withdrawn.reason}</p>
              <p className="mt-1 text-red-800">
                It can no longer be downloaded. If you still need {r.product.name}, request it again once a new release is published.
              </p>
            </section>
          )}
          {r.downloads.length > 0 && (
            <section
              id="download"
              aria-labelledby="download-heading"
              className="rounded-xl border border-emerald-200 bg-emerald-50/60 p-4"
              data-testid="downloads"
            >
              <h2 id="download-heading" className="text-lg font-semibold">
                Download
              </h2>
              <p className="mt-1 text-sm text-slate-700">
                Approved for {r.device.hostname}. Download the installer on that device, or let the portal agent pull it.
              </p>
              <ul className="mt-3 space-y-3">
                {r.downloads.map((d) => {
                  const alt = verifyHint(r.device.platform, d.fileName);
                  return (
                    <li key={d.artifactId} className="rounded-lg border border-slate-200 bg-white p-3">
                      <div className="flex flex-wrap items-center justify-between gap-3">
                        <div className="min-w-0">
                          <div className="break-all font-medium">{d.fileName}</div>
                          <div className="text-sm text-slate-600">
                            Version {d.version} · {platform} ·{' '}
                            <span title={`${d.sizeBytes} bytes`} data-testid="download-size">
                              {formatBytes(d.sizeBytes)}
                            </span>
                          </div>
                        </div>
                        <a
                          href={`/api/artifacts/${d.artifactId}/download?device=${r.deviceId}&request=${r.id}`}
                          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
                          data-testid="download-link"
                          download
                        >
                          Download
                        </a>
                      </div>
                      <div className="mt-2 text-xs text-slate-500">SHA-256</div>
                      <code className="block break-all font-mono text-xs text-slate-800" data-testid="sha256">
                        {d.sha256}
                      </code>
                      <p className="mt-2 text-xs text-slate-600">
                        To verify, run <code className="rounded bg-slate-100 px-1 font-mono">sha256sum {d.fileName}</code>
                        {alt && (
                          <>
                            {' '}
                            (or <code className="rounded bg-slate-100 px-1 font-mono">{alt}</code>)
                          </>
                        )}{' '}
                        and compare the result with the hash above.
                      </p>
                    </li>
                  );
                })}
              </ul>
              <InstallState requestId={r.id} hostname={r.device.hostname} />
            </section>
          )}

          <section aria-labelledby="details-heading">
            <h2 id="details-heading" className="text-lg font-semibold">
              Details
            </h2>
            <dl className="mt-3 grid gap-x-6 gap-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm sm:grid-cols-[10rem_1fr]">
              <dt className="text-slate-500">Product</dt>
              <dd>
                <Link href={`/catalogue/${r.product.slug}`} className="font-medium text-indigo-700 hover:underline">
                  {r.product.name}
                </Link>
              </dd>
              <dt className="text-slate-500">Version</dt>
              <dd data-testid="request-version">{r.version ?? 'Current release (and later ones)'}</dd>
              <dt className="text-slate-500">Device</dt>
              <dd>
                {r.device.hostname} <span className="text-slate-500">· {platform}</span>
              </dd>
              <dt className="text-slate-500">Justification</dt>
              <dd className="whitespace-pre-line">{r.justification}</dd>
              <dt className="text-slate-500">Submitted</dt>
              <dd>{formatDateTime(r.createdAt)}</dd>
            </dl>
          </section>

          <section aria-labelledby="history-heading">
            <h2 id="history-heading" className="text-lg font-semibold">
              History
            </h2>
            <ol className="mt-3 rounded-xl border border-slate-200 bg-white p-4" data-testid="history">
              {r.history.map((h, i) => {
                const { action, detail } = describe(h);
                return (
                  <li key={i} className="relative flex gap-3 pb-4 last:pb-0">
                    {i < r.history.length - 1 && <span aria-hidden="true" className="absolute top-3 left-[5px] h-full w-px bg-slate-200" />}
                    <span aria-hidden="true" className="relative mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full bg-indigo-500" />
                    <div className="min-w-0 text-sm">
                      <div>
                        <span className="font-medium" data-testid="history-action">
                          {action}
                        </span>{' '}
                        <span className="text-slate-600">by {h.actor}</span>
                      </div>
                      <time dateTime={h.at.toISOString()} className="text-xs text-slate-500">
                        {formatDateTime(h.at)}
                      </time>
                      {detail && <p className="mt-0.5 break-words text-slate-700">{detail}</p>}
                    </div>
                  </li>
                );
              })}
            </ol>
          </section>
        </div>

        <aside className="space-y-4">
          {(r.canCancel || r.canDecide) && (
            <div className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm">
              {r.canDecide && (
                <Link
                  href={`/approvals/${r.id}`}
                  className="block rounded-md bg-indigo-600 px-3 py-2 text-center font-medium text-white hover:bg-indigo-500"
                >
                  Decide in your approvals inbox
                </Link>
              )}
              {r.canCancel && (
                <>
                  <p className="text-slate-600">No longer needed? You can cancel it while it waits.</p>
                  <CancelButton requestId={r.id} productName={r.product.name} />
                </>
              )}
            </div>
          )}
          <section aria-labelledby="stages-heading" className="rounded-xl border border-slate-200 bg-white p-4 text-sm">
            <h2 id="stages-heading" className="text-base font-semibold">
              Approval
            </h2>
            {r.stages.length === 0 ? (
              <p className="mt-2 text-slate-600">This product is approved automatically.</p>
            ) : (
              <ol className="mt-3 space-y-3" data-testid="stages">
                {r.stages.map((s, i) => {
                  const style = stageStyles[states[i]!];
                  const text = states[i] === 'stopped' ? (stoppedText[r.status] ?? style.text) : style.text;
                  return (
                    <li key={s.position} className="flex items-start gap-3" aria-current={states[i] === 'current' ? 'step' : undefined}>
                      <span
                        aria-hidden="true"
                        className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${style.dot}`}
                      >
                        {i + 1}
                      </span>
                      <div>
                        <div className="font-medium">
                          Stage {i + 1}: {s.label}
                        </div>
                        <div className="text-xs text-slate-600">
                          {text}
                          {s.requiredApprovals > 1 && ` · ${s.requiredApprovals} approvals needed`}
                          {states[i] === 'current' && r.stageDueAt && ` · due ${formatDate(r.stageDueAt)}`}
                        </div>
                      </div>
                    </li>
                  );
                })}
              </ol>
            )}
          </section>
        </aside>
      </div>
    </article>
  );
}
