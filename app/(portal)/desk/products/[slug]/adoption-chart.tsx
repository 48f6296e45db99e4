import type { ReleaseStatus } from '@/db/schema';

/*
 * Drawn as SVG on the server: no chart library, nothing shipped to the browser, and the page
 * reads the same with scripts off. One line per version; a dashed line is a deprecated or
 * withdrawn release (the ones the desk wants to see fall to zero).
 */

export const versionColours = ['#4f46e5', '#059669', '#d97706', '#0284c7', '#e11d48', '#7c3aed', '#0d9488', '#64748b'];

export interface ChartSeries {
  version: string;
  status: ReleaseStatus;
  colour: string;
  values: number[];
}

const W = 800;
const H = 260;
const M = { top: 14, right: 16, bottom: 30, left: 48 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** A round axis maximum with 4 even steps (0–4, 0–60, 0–2,000, …). */
function niceMax(max: number): number {
  if (max <= 4) return 4;
  const step = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(step));
  // Whole steps only: these are device counts.
  const nice = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => Number.isInteger(m * magnitude) && m * magnitude >= step)! * magnitude;
  return nice * 4;
}

const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

export function AdoptionChart({ days, series, productName }: { days: string[]; series: ChartSeries[]; productName: string }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const x = (i: number) => M.left + (days.length > 1 ? (i / (days.length - 1)) * PW : 0);
  const y = (v: number) => M.top + PH - (v / max) * PH;
  const ticks = [0, 1, 2, 3, 4].map((k) => (max / 4) * k);
  const labelDays = days.map((d, i) => ({ d, i })).filter(({ i }) => (days.length - 1 - i) % 15 === 0);
  const summary =
    series.length === 0
      ? `No installs of ${productName} recorded in the last ${days.length} days.`
      : `Devices per version of ${productName} over the last ${days.length} days: ` +
        series.map((s) => `${s.version} from ${s.values[0]} to ${s.values.at(-1)}`).join('; ') +
        '.';

  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4" data-testid="adoption-chart">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={summary}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke="#e2e8f0" strokeDasharray={t === 0 ? undefined : '3 3'} />
            <text x={M.left - 8} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#64748b">
              {t.toLocaleString('en')}
            </text>
          </g>
        ))}
        {labelDays.map(({ d, i }) => (
          <text key={d} x={x(i)} y={H - 10} textAnchor={i === days.length - 1 ? 'end' : 'middle'} fontSize="11" fill="#64748b">
            {dayLabel.format(new Date(`${d}T00:00:00Z`))}
          </text>
        ))}
        {series.map((s) => (
          <polyline
            key={s.version}
            fill="none"
            stroke={s.colour}
            strokeWidth={2}
            strokeLinejoin="round"
            strokeDasharray={s.status === 'published' ? undefined : '6 4'}
            points={s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
          />
        ))}
        {series.map((s) => (
          <circle key={s.version} cx={x(s.values.length - 1)} cy={y(s.values.at(-1) ?? 0)} r={3} fill={s.colour} />
        ))}
        {series.length === 0 && (
          <text x={M.left + PW / 2} y={M.top + PH / 2} textAnchor="middle" fontSize="14" fill="#64748b">
            No installs recorded in the last {days.length} days
          </text>
        )}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600">
        {series.length === 0 ? (
          <span>Each version gets a line here once devices report installing it.</span>
        ) : (
          series.map((s) => (
            <span key={s.version} className="inline-flex items-center gap-1.5">
              <svg width="20" height="6" aria-hidden="true">
                <line
                  x1="0"
                  x2="20"
                  y1="3"
                  y2="3"
                  stroke={s.colour}
                  strokeWidth="2"
                  strokeDasharray={s.status === 'published' ? undefined : '5 3'}
                />
              </svg>
              {s.version}
              {s.status !== 'published' && <span className="text-slate-500">({s.status})</span>}
            </span>
          ))
        )}
      </figcaption>
    </figure>
  );
}
