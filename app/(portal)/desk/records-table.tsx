import Link from 'next/link';
import type { InstallRecordView } from '@/lib/installs/queries';
import { formatBytes, formatDate, platformLabels } from '@/app/ui/format';
import { Table } from '@/app/ui/table';
import { OutcomeBadge, ReportedByBadge, ShortHash, shortId } from './outcome-badge';

const td = 'px-4 py-2.5';
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC' });
const timeOf = (d: Date) => `${clock.format(d)} UTC`;

/** One row per install event; `data-event-id` lets tests compare the table with the CSV export. */
export function RecordsTable({ rows }: { rows: InstallRecordView[] }) {
  return (
    <Table label="Install records" testId="install-records" head={['When', 'Outcome', 'Device and user', 'Software', 'Request']}>
      {rows.map((r) => (
        <tr key={r.id} className="border-t border-slate-100 align-top" data-testid="record-row" data-event-id={r.id}>
          <td className={`${td} whitespace-nowrap tabular-nums`}>
            <time dateTime={r.occurredAt.toISOString()}>
              {formatDate(r.occurredAt)}
              <span className="block text-xs text-slate-500">{timeOf(r.occurredAt)}</span>
            </time>
          </td>
          <td className={`${td} max-w-64`}>
            <OutcomeBadge type={r.type} />
            <ReportedByBadge userReported={r.userReported} type={r.type} />
            {r.errorExcerpt && (
              <p className="mt-1 line-clamp-2 text-xs text-red-800" title={r.errorExcerpt}>
                {r.errorExcerpt}
              </p>
            )}
            <p className="mt-0.5 text-xs text-slate-500">
              {[
                r.agentVersion && `agent ${r.agentVersion}`,
                r.exitCode !== null && `exit ${r.exitCode}`,
                r.bytes !== null && formatBytes(r.bytes),
              ]
                .filter(Boolean)
                .join(' · ')}
            </p>
          </td>
          <td className={td}>
            <Link href={`/desk/devices/${r.device.id}`} className="font-medium text-indigo-700 hover:underline">
              {r.device.hostname}
            </Link>
            <span className="text-xs text-slate-500"> · {platformLabels[r.platform]}</span>
            {r.user ? (
              <div className="text-xs text-slate-700">
                {r.user.name} <span className="text-slate-500">· {r.user.email}</span>
              </div>
            ) : (
              <div className="text-xs text-slate-500">no user</div>
            )}
          </td>
          <td className={td}>
            <Link href={`/desk/products/${r.product.slug}`} className="font-medium text-indigo-700 hover:underline">
              {r.product.name}
            </Link>
            <div className="text-xs font-medium text-slate-700">{r.version}</div>
            <ShortHash sha256={r.sha256} />
          </td>
          <td className={td}>
            {r.requestId ? (
              <Link href={`/requests/${r.requestId}`} className="font-mono text-xs text-indigo-700 hover:underline" title={r.requestId}>
                {shortId(r.requestId)}
              </Link>
            ) : (
              <span className="text-xs text-slate-500">none</span>
            )}
            {r.approver && <div className="text-xs text-slate-500">approved by {r.approver}</div>}
          </td>
        </tr>
      ))}
    </Table>
  );
}
