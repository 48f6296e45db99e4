import { formatDate } from '@/app/ui/format';
import { insetCell, Table } from '@/app/ui/table';
import type { SeatUsage } from '@/lib/requests/seats';
import { RevokeSeatButton } from './revoke-seat-button';

/** Seat usage of a per-seat product, with a way to take a seat back (it goes to the next in line). */
export function Seats({ usage, slug }: { usage: SeatUsage; slug: string }) {
  if (usage.limit === null) return null;
  const percent = Math.min(100, Math.round((usage.inUse / usage.limit) * 100));
  return (
    <section className="mt-8 rounded-xl border border-slate-200 bg-white p-5" aria-labelledby="seats">
      <h2 id="seats" className="font-semibold">
        Licence seats
      </h2>
      <p className="mt-1 text-sm text-slate-700" data-testid="seat-usage">
        {usage.inUse} of {usage.limit} seats in use
        {usage.waiting > 0 && ` · ${usage.waiting} request${usage.waiting === 1 ? '' : 's'} waiting for a seat`}
      </p>
      <div className="mt-2 h-2 w-full max-w-md overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
        <div
          className={`h-full ${percent >= 100 ? 'bg-red-600' : percent >= 80 ? 'bg-amber-500' : 'bg-emerald-600'}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      {usage.holders.length > 0 && (
        <Table look="inset" label="Seat holders" className="mt-4" head={['Holder', 'Device', 'Since', 'Until', '']}>
          {usage.holders.map((h) => (
            <tr key={h.entitlementId} className="border-t border-slate-100">
              <td className={insetCell}>
                {h.user} <span className="text-slate-500">{h.email}</span>
              </td>
              <td className={insetCell}>{h.device}</td>
              <td className={insetCell}>{formatDate(h.since)}</td>
              <td className={insetCell}>{h.expiresAt ? formatDate(h.expiresAt) : 'until revoked'}</td>
              <td className={`${insetCell} text-right`}>
                <RevokeSeatButton entitlementId={h.entitlementId} slug={slug} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
