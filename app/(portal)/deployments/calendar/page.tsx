import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { deploymentCalendar } from '@/lib/deployments/queries';
import { DeploymentStatusBadge } from '@/app/ui/status-badge';
import { formatDate, formatDateTime } from '@/app/ui/format';
import { DeploymentsNav } from '../sub-nav';
import { announcementsAround } from '@/lib/suppliers/queries';

export const metadata: Metadata = { title: 'Deployment calendar' };

const kindLabel = { 'available-from': 'starts', deadline: 'deadline', 'cut-over': 'cut-over', 'phase-start': 'phase' } as const;
const kindStyle = {
  'available-from': 'text-sky-800',
  deadline: 'text-amber-800',
  'cut-over': 'text-red-800',
  'phase-start': 'text-violet-800',
} as const;

export default async function CalendarPage() {
  const actor = await requireArea('/deployments');
  const weeks = await deploymentCalendar(actor, new Date(), 6);
  const announced = await announcementsAround(actor, 7, 42);
  return (
    <div>
      <DeploymentsNav current="/deployments/calendar" />
      <h1 className="text-2xl font-semibold">Deployment calendar</h1>
      <p className="mt-1 text-slate-600">
        Starts, phase starts, deadlines and cut-overs of the next six weeks, across all products (times in UTC).
      </p>
      <ol className="mt-6 space-y-4">
        {weeks.map((w) => (
          <li key={w.weekStart.toISOString()} className="rounded-xl border border-slate-200 bg-white p-4">
            <h2 className="text-sm font-semibold text-slate-700">Week of {formatDate(w.weekStart)}</h2>
            {w.entries.length === 0 ? (
              <p className="mt-1 text-sm text-slate-500">Nothing planned.</p>
            ) : (
              <ul className="mt-2 divide-y divide-slate-100">
                {w.entries.map((e) => (
                  <li key={`${e.id}-${e.kind}-${e.phase ?? ''}`} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-1.5 text-sm">
                    <span className="w-44 whitespace-nowrap tabular-nums text-slate-600">{formatDateTime(e.at)}</span>
                    <span className={`w-20 font-medium ${kindStyle[e.kind]}`}>{kindLabel[e.kind]}</span>
                    <Link href={`/deployments/${e.id}`} className="font-medium text-indigo-700 hover:underline">
                      {e.name}
                    </Link>
                    <span className="text-slate-600">
                      {e.phase ? `${e.phase} · ` : ''}
                      {e.product} {e.release} · {e.environment}
                    </span>
                    <DeploymentStatusBadge status={e.status} />
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      <section className="mt-8" aria-labelledby="supplier-calendar">
        <h2 id="supplier-calendar" className="text-lg font-semibold">
          Announced by suppliers
        </h2>
        <p className="mt-1 text-sm text-slate-600">Supplier windows from a week ago to six weeks ahead.</p>
        {announced.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">Nothing announced.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white px-4">
            {announced.map((a) => (
              <li key={a.id} className="flex flex-wrap gap-x-3 py-1.5 text-sm" data-testid="supplier-announcement">
                <span className="tabular-nums text-slate-600">
                  {formatDateTime(a.windowStart)} – {formatDateTime(a.windowEnd)}
                </span>
                <span className="font-medium">{a.supplier}</span>
                <span>
                  {a.component} {a.version}
                </span>
                <span className="text-slate-600">{a.changeRef ? `change ${a.changeRef}` : 'no change'}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
