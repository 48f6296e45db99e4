import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { listMyRequestsWithSteps, type MyRequestRow } from '@/lib/requests/devices-for-request';
import { formatDate, platformLabels } from '@/app/ui/format';
import { RequestStatusBadge } from '@/app/ui/request-status-badge';
import type { Platform } from '@/db/schema';
import { cellClass, Table } from '@/app/ui/table';

export const metadata: Metadata = { title: 'My requests' };

function NextStep({ r }: { r: MyRequestRow }) {
  switch (r.status) {
    case 'pending_approval': {
      const i = r.stages.findIndex((s) => s.position === r.stage);
      const stage = r.stages[i];
      return (
        <>
          {stage ? `Waiting for stage ${i + 1} of ${r.stages.length} (${stage.label})` : 'Waiting for approval'}
          {r.stageDueAt && <span className="block text-xs text-slate-500">decision due {formatDate(r.stageDueAt)}</span>}
        </>
      );
    }
    case 'submitted':
      return <>Being processed</>;
    case 'waiting_for_seat':
      return <>Waiting for a licence seat</>;
    case 'approved':
      return (
        <>
          Approved —{' '}
          <Link href={`/requests/${r.id}#download`} className="font-medium text-indigo-700 hover:underline">
            download
          </Link>
        </>
      );
    case 'fulfilled':
      return <>Downloaded — fulfilled</>;
    case 'rejected':
      return <>Rejected{r.closedReason ? `: ${r.closedReason}` : ''}</>;
    case 'cancelled':
      return <>Cancelled</>;
    case 'expired':
      return (
        <>
          Expired without a decision —{' '}
          <Link href={`/catalogue/${r.product.slug}`} className="font-medium text-indigo-700 hover:underline">
            request again
          </Link>
        </>
      );
  }
}

export default async function MyRequestsPage() {
  const actor = await requireArea('/requests');
  const rows = await listMyRequestsWithSteps(actor);
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">My requests</h1>
          <p className="mt-1 text-slate-600">Software you have asked for, newest first, and what happens next.</p>
        </div>
        <Link href="/catalogue" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          Request software
        </Link>
      </div>

      {rows.length === 0 ? (
        <div className="mt-6 rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
          <h2 className="text-lg font-semibold">No requests yet</h2>
          <p className="mt-1 text-slate-600">Find what you need in the catalogue and request it for one of your devices.</p>
          <Link
            href="/catalogue"
            className="mt-4 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Browse the catalogue
          </Link>
        </div>
      ) : (
        <Table label="My requests" className="mt-6" head={['Product', 'Version', 'Device', 'Status', 'Submitted', 'Next step']}>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100 align-top" data-testid="request-row">
              <td className={cellClass}>
                <Link href={`/requests/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                  {r.product.name}
                </Link>
              </td>
              <td className={`${cellClass} whitespace-nowrap`}>{r.version ?? <span className="text-slate-500">current</span>}</td>
              <td className={cellClass}>
                <div className="whitespace-nowrap">{r.device.hostname}</div>
                <div className="text-xs text-slate-500">{platformLabels[r.device.platform as Platform] ?? r.device.platform}</div>
              </td>
              <td className={cellClass}>
                <RequestStatusBadge status={r.status} />
              </td>
              <td className={`${cellClass} whitespace-nowrap`}>{formatDate(r.createdAt)}</td>
              <td className={`${cellClass} text-slate-700`} data-testid="next-step">
                <NextStep r={r} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
