import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden, notFound } from 'next/navigation';
import { formatDateTime } from '@/app/ui/format';
import { inspectApprovalLink } from '@/lib/approval-links/service';
import { currentActor } from '@/lib/auth/session';
import { LinkDecisionForm } from './link-decision-form';

export const metadata: Metadata = { title: 'Decide a request', robots: { index: false } };

/**
 * Where an approval mail's link lands, signed in or not. Opening it only shows the request and
 * a button: link scanners and previews open links too, so only the button decides. A used,
 * expired or stale link gets the 404 page of this segment, a session of someone else the 403 one.
 */
export default async function ApprovalLinkPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ decision?: string }>;
}) {
  const [{ token }, { decision }] = await Promise.all([params, searchParams]);
  const view = await inspectApprovalLink(token, await currentActor());
  if (view.state === 'gone') notFound();
  if (view.state === 'other_user') forbidden();
  const r = view.request;
  const rejecting = decision === 'reject';
  return (
    <main className="flex min-h-screen items-start justify-center px-4 py-10 sm:items-center">
      <div className="w-full max-w-lg rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold" tabIndex={-1}>
          {rejecting ? 'Reject' : 'Approve'} {r.requesterName}’s request for {r.productName}
        </h1>
        <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-slate-600">Requested by</dt>
          <dd>{r.requesterName}</dd>
          <dt className="text-slate-600">Product</dt>
          <dd>{r.productName}</dd>
          <dt className="text-slate-600">Device</dt>
          <dd className="break-all">{r.deviceName}</dd>
          <dt className="text-slate-600">Why</dt>
          <dd className="whitespace-pre-line break-words">{r.justification}</dd>
        </dl>
        <p className="mt-4 text-sm text-slate-600">
          You decide as {r.approverName}. This link works once and until {formatDateTime(r.expiresAt)}.
        </p>
        <LinkDecisionForm token={token} rejecting={rejecting} />
        <p className="mt-6 text-sm">
          <Link href={rejecting ? `?decision=approve` : `?decision=reject`} className="text-indigo-700 underline">
            {rejecting ? 'Approve instead' : 'Reject instead'}
          </Link>
          <span className="text-slate-500"> · </span>
          <Link href={`/approvals/${r.requestId}`} className="text-indigo-700 underline">
            Open it in the portal
          </Link>
        </p>
      </div>
    </main>
  );
}
