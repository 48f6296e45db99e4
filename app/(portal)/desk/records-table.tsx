import Link from 'next/link';
import type { InstallRecordView } from '@/lib/installs/queries';
import { platformLabels } from '@/app/ui/format';
import { formatDateTime } from '@/app/ui/request-status-badge';
import { OutcomeBadge, ShortHash, shortId } from './outcome-badge';

const th = 'px-3 py-2 font-medium';
const td = 'px-3 py-2.5';

/** One row per install event; `data-event-id` lets tests compare the table with the CSV export. */
export function RecordsTable({ rows }: { rows: InstallRecordView[] }) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid="install-records">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className={th}>
              When
            </th>
            <th scope="col" className={th}>
              Outcome
            </th>
            <th scope="col" className={th}>
              Device
            </th>
            <th scope="col" className={th}>
              User
            </th>
            <th scope="col" className={th}>
              Software
            </th>
            <th scope="col" className={th}>
              Request
            </th>
            <th scope="col" className={th}>
              Details
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100 align-top" data-testid="record-row" data-event-id={r.id}>
              <td className={`${td} whitespace-nowrap tabular-nums text-slate-700`}>
                <time dateTime={r.occurredAt.toISOString()}>{formatDateTime(r.occurredAt)}</time>
              </td>
              <td className={td}>
                <OutcomeBadge type={r.type} />
              </td>
              <td className={td}>
                <Link href={`/desk/devices/${r.device.id}`} className="font-medium whitespace-nowrap text-indigo-700 hover:underline">
                  {r.device.hostname}
                </Link>
                <div className="text-xs text-slate-500">{platformLabels[r.platform]}</div>
              </td>
              <td className={td}>
                {r.user ? (
                  <>
                    <div className="whitespace-nowrap">{r.user.name}</div>
                    <div className="text-xs text-slate-500">{r.user.email}</div>
                  </>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
              <td className={td}>
                <Link href={`/desk/products/${r.product.slug}`} className="font-medium text-indigo-700 hover:underline">
                  {r.product.name}
                </Link>
                <div className="text-xs text-slate-600">
                  <span className="font-medium">{r.version}</span> · <ShortHash sha256={r.sha256} />
                </div>
              </td>
              <td className={td}>
                {r.requestId ? (
                  <Link href={`/requests/${r.requestId}`} className="font-mono text-xs text-indigo-700 hover:underline" title={r.requestId}>
                    {shortId(r.requestId)}
                  </Link>
                ) : (
                  <span className="text-xs text-slate-400">none</span>
                )}
                {r.approver && <div className="text-xs whitespace-nowrap text-slate-500">approved by {r.approver}</div>}
              </td>
              <td className={`${td} max-w-xs text-xs text-slate-600`}>
                <div className="whitespace-nowrap">
                  {[r.agentVersion && `agent ${r.agentVersion}`, r.exitCode !== null && `exit ${r.exitCode}`].filter(Boolean).join(' · ')}
                </div>
                {r.errorExcerpt && (
                  <p className="mt-0.5 line-clamp-2 text-red-800" title={r.errorExcerpt}>
                    {r.errorExcerpt}
                  </p>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
