import type { ChartPoint, PhaseTimeline } from '@/lib/rings/timeline';
import { formatDateTime } from '@/app/ui/format';
import { cellClass, Table } from '@/app/ui/table';

const when = (d: Date | null, otherwise = '—') => (d ? formatDateTime(d) : otherwise);
const hours = (m: number) => `${Math.round((m / 60) * 10) / 10} h`;

/** Succeeded / failed / pending over time as stacked lines, server-rendered; the table below holds the same numbers. */
function OutcomeChart({ points }: { points: ChartPoint[] }) {
  const w = 600;
  const h = 160;
  const max = Math.max(1, ...points.map((p) => p.succeeded + p.failed + p.pending));
  const x = (i: number) => (points.length < 2 ? 0 : (i / (points.length - 1)) * w);
  const y = (v: number) => h - (v / max) * h;
  const line = (pick: (p: ChartPoint) => number) =>
    points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
  const last = points.at(-1);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className="h-40 w-full" role="img" aria-labelledby="ring-chart-title ring-chart-desc">
      <title id="ring-chart-title">Devices succeeded, failed and pending over time</title>
      <desc id="ring-chart-desc">
        {last
          ? `Now ${last.succeeded} succeeded, ${last.failed} failed, ${last.pending} pending. The table below lists every point.`
          : 'No data yet.'}
      </desc>
      <path d={line((p) => p.succeeded)} fill="none" stroke="#047857" strokeWidth={2} />
      <path d={line((p) => p.failed)} fill="none" stroke="#b91c1c" strokeWidth={2} strokeDasharray="6 3" />
      <path d={line((p) => p.pending)} fill="none" stroke="#475569" strokeWidth={2} strokeDasharray="2 3" />
    </svg>
  );
}

export function PhaseTimelineView({ timeline }: { timeline: PhaseTimeline }) {
  return (
    <section aria-labelledby="phases" className="space-y-4">
      <h2 id="phases" className="text-lg font-semibold">
        Phases
      </h2>
      <ol className="space-y-3">
        {timeline.phases.map((p) => (
          <li key={p.position} className="rounded-xl border border-slate-200 bg-white p-4" data-testid={`phase-${p.position}`}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="font-medium">
                {p.position}. {p.name} <span className="text-sm font-normal text-slate-600">· {p.selection}</span>
              </h3>
              <span className="text-sm text-slate-700">
                {p.haltedAt
                  ? 'Halted'
                  : p.gateMetAt
                    ? 'Gate met'
                    : p.startedAt
                      ? 'Running'
                      : p.startMode === 'manual'
                        ? 'Waits for a manager'
                        : 'Waits for its gate'}
              </span>
            </div>
            <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
              <div>
                <dt className="text-xs text-slate-600">Planned start</dt>
                <dd>{when(p.plannedStart, p.position === 1 ? '—' : 'after the gate before it')}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-600">Started</dt>
                <dd>{when(p.startedAt, 'not yet')}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-600">Gate ({p.gate})</dt>
                <dd>{p.gateMetAt ? `met ${formatDateTime(p.gateMetAt)}` : 'not met'}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-600">Wait · spread</dt>
                <dd>
                  {hours(p.waitMinutes)} · {p.throttleMinutes ? hours(p.throttleMinutes) : 'none'}
                </dd>
              </div>
              <div className="col-span-2 sm:col-span-4">
                <dt className="text-xs text-slate-600">Devices</dt>
                <dd>
                  {p.devices} assigned: {p.succeeded} succeeded, {p.failed} failed, {p.pending} pending
                </dd>
              </div>
            </dl>
            {p.haltedAt && p.haltEvidence && (
              <div className="mt-3 rounded-md bg-orange-50 p-3 text-sm text-orange-950" role="note">
                <p className="font-medium">
                  Halted {formatDateTime(p.haltedAt)}: {p.haltEvidence.failed} of {p.haltEvidence.reports} reports failed (
                  {p.haltEvidence.failurePercent} %, threshold {p.haltEvidence.thresholdPercent} % of at least {p.haltEvidence.minReports}).
                </p>
                {p.haltEvidence.commonestError && (
                  <p>
                    Commonest error ({p.haltEvidence.commonestError.count}×): {p.haltEvidence.commonestError.text}
                  </p>
                )}
                <p>Failing devices: {p.haltEvidence.failingDevices.map((f) => f.hostname).join(', ') || '—'}</p>
              </div>
            )}
          </li>
        ))}
      </ol>
      {timeline.chart.length > 1 && (
        <div className="space-y-2">
          <h3 className="font-medium">Outcomes over time</h3>
          <p className="text-sm text-slate-700">
            <span className="text-emerald-700">solid: succeeded</span> · <span className="text-red-700">dashed: failed</span> ·{' '}
            <span className="text-slate-700">dotted: pending</span>
          </p>
          <OutcomeChart points={timeline.chart} />
          <Table label="Outcomes over time" head={['When', 'Succeeded', 'Failed', 'Pending']}>
            {timeline.chart.map((c) => (
              <tr key={c.at.toISOString()} className="border-t border-slate-100">
                <td className={`${cellClass} whitespace-nowrap`}>{formatDateTime(c.at)}</td>
                <td className={cellClass}>{c.succeeded}</td>
                <td className={cellClass}>{c.failed}</td>
                <td className={cellClass}>{c.pending}</td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </section>
  );
}
