import Link from 'next/link';
import type { SupplierEventRow } from '@/lib/suppliers/queries';
import { formatDateTime } from './format';
import { cellClass, Table } from './table';

/** Supplier work with its provenance (supplier, credential or page, announced, change), wherever it is listed. */
export function SupplierEventsTable({
  label,
  rows,
  deviceLinks = false,
}: {
  label: string;
  rows: SupplierEventRow[];
  deviceLinks?: boolean;
}) {
  return (
    <Table
      label={label}
      head={['When (UTC)', 'Device', 'Supplier', 'What', 'Outcome', 'Provenance']}
      empty={rows.length === 0 && 'No supplier deployments.'}
    >
      {rows.map((r) => (
        <tr key={r.id} className="border-t border-slate-100" data-testid="supplier-event">
          <td className={cellClass}>{formatDateTime(r.occurredAt)}</td>
          <td className={cellClass}>
            {deviceLinks ? (
              <Link href={`/desk/devices/${r.deviceId}`} className="text-indigo-700 hover:underline">
                {r.hostname}
              </Link>
            ) : (
              r.hostname
            )}
          </td>
          <td className={cellClass}>{r.supplier}</td>
          <td className={cellClass}>
            {r.component} {r.version}
            {r.sha256 && <div className="font-mono text-xs text-slate-500">sha256 {r.sha256.slice(0, 12)}…</div>}
          </td>
          <td className={cellClass}>{r.status.replace('_', ' ')}</td>
          <td className={cellClass}>
            <div>
              {r.channel === 'api' ? `API credential ${r.credential ?? ''}` : r.channel === 'page' ? 'supplier page' : 'CSV import'} ·{' '}
              {r.announced ? 'announced' : 'not announced'}
            </div>
            <div>
              {r.changeRef ? `change ${r.changeRef}` : 'no change'}
              {r.unauthorised && (
                <span className="ml-2 inline-flex rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-inset ring-red-200">
                  unauthorised change
                </span>
              )}
            </div>
            {r.evidence &&
              (/^https:\/\//.test(r.evidence) ? (
                <a href={r.evidence} rel="noreferrer noopener" className="text-xs text-indigo-700 hover:underline">
                  evidence
                </a>
              ) : (
                <div className="text-xs text-slate-600">{r.evidence}</div>
              ))}
          </td>
        </tr>
      ))}
    </Table>
  );
}
