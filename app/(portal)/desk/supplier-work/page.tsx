import type { Metadata } from 'next';
import Link from 'next/link';
import { cellClass, Table } from '@/app/ui/table';
import { formatDateTime } from '@/app/ui/format';
import { requireArea } from '@/lib/auth/session';
import { supplierPlannedAgainstDone, type AnnouncementOutcome } from '@/lib/suppliers/planned-vs-done';
import { StatusBadge, type BadgeTone } from '@/app/ui/status-badge';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Supplier work: planned against happened' };
export const dynamic = 'force-dynamic';

const stateTone: Record<AnnouncementOutcome['state'], BadgeTone> = {
  upcoming: 'neutral',
  'in window': 'info',
  done: 'success',
  overdue: 'warning',
};

/** What suppliers said they would deploy, beside what they reported doing, per announcement. */
export default async function SupplierWorkPage() {
  const actor = await requireArea('/desk');
  const rows = await supplierPlannedAgainstDone(actor);
  return (
    <article>
      <Breadcrumb parent={{ href: '/desk', label: 'Service desk' }} current="Supplier work" />
      <h1 className="mt-3 text-2xl font-semibold">Supplier work: planned against happened</h1>
      <p className="mt-1 max-w-3xl text-slate-600">
        Each deployment a supplier announced, with the items it named and what it has reported for each. Overdue: the window has closed and
        some items were never reported finished. Unannounced work is listed under{' '}
        <Link href="/desk/drift" className="text-indigo-700 underline">
          drift
        </Link>
        .
      </p>
      <div className="mt-4">
        <Table
          label="Announced supplier work"
          head={['Supplier', 'What', 'Window', 'Change', 'Items', 'Succeeded', 'Failed', 'Rolled back', 'Not finished', 'State']}
          empty={rows.length === 0 && 'No supplier work announced in the last 60 days or planned.'}
        >
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100" data-testid="announcement-outcome">
              <td className={cellClass}>{r.supplier}</td>
              <td className={cellClass}>
                {r.component} {r.version}
              </td>
              <td className={`${cellClass} whitespace-nowrap`}>
                {formatDateTime(r.windowStart)} – {formatDateTime(r.windowEnd)}
              </td>
              <td className={cellClass}>{r.changeRef ?? '—'}</td>
              <td className={cellClass}>{r.items}</td>
              <td className={cellClass}>{r.succeeded}</td>
              <td className={cellClass}>{r.failed}</td>
              <td className={cellClass}>{r.rolledBack}</td>
              <td className={cellClass}>{r.started + r.unreported}</td>
              <td className={cellClass}>
                <StatusBadge tone={stateTone[r.state]}>{r.state}</StatusBadge>
              </td>
            </tr>
          ))}
        </Table>
      </div>
    </article>
  );
}
