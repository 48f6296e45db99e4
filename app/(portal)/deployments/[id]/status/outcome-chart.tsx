/*
 * Drawn as SVG on the server like the desk's adoption chart: no chart library, nothing shipped to
 * the browser. Two cumulative lines: devices succeeded and devices failed at the end of each day.
 */

const W = 800;
const H = 220;
const M = { top: 14, right: 16, bottom: 30, left: 48 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** A round axis maximum with 4 whole steps. */
function niceMax(max: number): number {
  if (max <= 4) return 4;
  const step = Math.ceil(max / 4);
  const magnitude = 10 ** Math.floor(Math.log10(step));
  return Math.ceil(step / magnitude) * magnitude * 4;
}

export function OutcomeChart({ days, succeeded, failed }: { days: string[]; succeeded: number[]; failed: number[] }) {
  const max = niceMax(Math.max(0, ...succeeded, ...failed));
  const x = (i: number) => M.left + (days.length > 1 ? (i / (days.length - 1)) * PW : PW / 2);
  const y = (v: number) => M.top + PH - (v / max) * PH;
  const every = Math.max(1, Math.ceil(days.length / 8));
  const summary = `Devices succeeded and failed per day from ${days[0]} to ${days.at(-1)}: now ${succeeded.at(-1) ?? 0} succeeded, ${failed.at(-1) ?? 0} failed.`;
  const line = (values: number[], colour: string, label: string) => (
    <g>
      <polyline
        fill="none"
        stroke={colour}
        strokeWidth={2}
        strokeLinejoin="round"
        points={values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
      />
      <circle cx={x(values.length - 1)} cy={y(values.at(-1) ?? 0)} r={3} fill={colour}>
        <title>{label}</title>
      </circle>
    </g>
  );
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4" data-testid="outcome-chart">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={summary}>
        {[0, 1, 2, 3, 4]
          .map((k) => (max / 4) * k)
          .map((t) => (
            <g key={t}>
              <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke="#e2e8f0" strokeDasharray={t === 0 ? undefined : '3 3'} />
              <text x={M.left - 8} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#64748b">
                {t.toLocaleString('en')}
              </text>
            </g>
          ))}
        {days.map((d, i) =>
          (days.length - 1 - i) % every === 0 ? (
            <text key={d} x={x(i)} y={H - 10} textAnchor="middle" fontSize="11" fill="#64748b">
              {dayLabel.format(new Date(`${d}T00:00:00Z`))}
            </text>
          ) : null,
        )}
        {line(succeeded, '#059669', 'succeeded')}
        {line(failed, '#dc2626', 'failed')}
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-slate-600">
        <span>
          <span className="mr-1 inline-block h-2 w-4 rounded bg-emerald-600" />
          succeeded
        </span>
        <span>
          <span className="mr-1 inline-block h-2 w-4 rounded bg-red-600" />
          failed
        </span>
      </figcaption>
    </figure>
  );
}
