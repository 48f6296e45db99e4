import Link from 'next/link';
import { ADOPTION_DAYS, type DevicesOnRelease, type ProductAdoption } from '@/lib/installs/adoption';
import { formatDate, platformLabels } from '@/app/ui/format';
import { ReleaseStatusBadge } from '@/app/ui/status-badge';
import { cellClass, Table } from '@/app/ui/table';

const rate = (failed: number, succeeded: number) => (failed + succeeded ? `${Math.round((failed / (failed + succeeded)) * 100)} %` : '—');

/** Where installs fail: by platform and by the error text agents report. */
export function FailureHotspots({ adoption: a }: { adoption: ProductAdoption }) {
  const anyFailures = a.failuresByPlatform.some((p) => p.failed > 0);
  return (
    <section className="mt-8" aria-labelledby="failures-heading">
      <h2 id="failures-heading" className="text-lg font-semibold">
        Failure hotspots, last {ADOPTION_DAYS} days
      </h2>
      {!anyFailures ? (
        <p
          className="mt-3 rounded-xl border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-slate-600"
          data-testid="failures-empty"
        >
          No failed installs reported in the last {ADOPTION_DAYS} days.
        </p>
      ) : (
        <div className="mt-3 grid gap-4 lg:grid-cols-[2fr_3fr]">
          <Table
            label="Failures by platform"
            head={['Platform', { label: 'Failed', className: 'text-right' }, { label: 'Rate', className: 'text-right' }]}
            testId="failures-by-platform"
          >
            {a.failuresByPlatform.map((p) => (
              <tr key={p.platform} className="border-t border-slate-100">
                <td className={cellClass}>{platformLabels[p.platform]}</td>
                <td className={`${cellClass} text-right tabular-nums`}>{p.failed.toLocaleString('en')}</td>
                <td className={`${cellClass} text-right tabular-nums`}>{rate(p.failed, p.succeeded)}</td>
              </tr>
            ))}
          </Table>
          <Table
            label="Most frequent errors"
            head={['Most reported errors', { label: 'Times', className: 'text-right' }, { label: 'Last', className: 'text-right' }]}
            testId="top-errors"
          >
            {a.topErrors.map((e) => (
              <tr key={e.text} className="border-t border-slate-100 align-top">
                <td className={`${cellClass} text-xs break-words whitespace-pre-wrap text-red-800`}>{e.text}</td>
                <td className={`${cellClass} text-right tabular-nums`}>{e.count.toLocaleString('en')}</td>
                <td className={`${cellClass} text-right whitespace-nowrap`}>{formatDate(e.lastAt)}</td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </section>
  );
}

/** The devices still running a deprecated or withdrawn release, longest first, with whom to contact. */
export function StillOnRelease({ data: s, limit }: { data: DevicesOnRelease; limit: number }) {
  const more = s.total - s.devices.length;
  return (
    <section className="mt-8" aria-labelledby={`still-${s.release.id}`} data-testid="still-on">
      <h2 id={`still-${s.release.id}`} className="flex flex-wrap items-center gap-2 text-lg font-semibold">
        Still on {s.release.version} <ReleaseStatusBadge status={s.release.status} />
        <span className="text-base font-normal text-slate-600">
          · {s.total.toLocaleString('en')} {s.total === 1 ? 'device' : 'devices'}
        </span>
      </h2>
      {s.release.withdrawReason && <p className="mt-1 text-sm text-red-800">Withdrawn: {s.release.withdrawReason}</p>}
      <Table labelledBy={`still-${s.release.id}`} className="mt-3" head={['Device', 'Owner', 'On it since']}>
        {s.devices.map((d) => (
          <tr key={d.id} className="border-t border-slate-100">
            <td className={cellClass}>
              <Link href={`/desk/devices/${d.id}`} className="font-medium text-indigo-700 hover:underline">
                {d.hostname}
              </Link>
              <div className="text-xs text-slate-500">{platformLabels[d.platform]}</div>
            </td>
            <td className={cellClass}>
              {d.owner.name} <span className="text-xs text-slate-500">· {d.owner.email}</span>
            </td>
            <td className={`${cellClass} whitespace-nowrap`}>{formatDate(d.since)}</td>
          </tr>
        ))}
      </Table>
      {more > 0 && (
        <p className="mt-2 text-sm text-slate-600">
          The {limit} longest on it are shown; {more.toLocaleString('en')} more.{' '}
          <Link
            href={`/desk?product=${s.product.slug}&version=${encodeURIComponent(s.release.version)}&outcome=install_succeeded`}
            className="font-medium text-indigo-700 hover:underline"
          >
            Their install records →
          </Link>
        </p>
      )}
    </section>
  );
}
