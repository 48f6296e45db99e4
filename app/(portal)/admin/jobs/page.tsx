import type { Metadata } from 'next';
import { listJobs, type JobView } from '@/lib/jobs/admin';
import { requireArea } from '@/lib/auth/session';
import { formatDateTime } from '@/app/ui/format';
import { RetryButton } from './retry-button';
import { cellClass, Table } from '@/app/ui/table';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Background jobs' };

const when = (d: Date | null) => (d ? formatDateTime(d) : '—');

function JobTable({ title, jobs, empty, retry = false }: { title: string; jobs: JobView[]; empty: string; retry?: boolean }) {
  return (
    <section className="mt-8" aria-labelledby={`jobs-${title}`}>
      <h2 id={`jobs-${title}`} className="text-lg font-semibold">
        {title} <span className="text-sm font-normal text-slate-500">({jobs.length})</span>
      </h2>
      {jobs.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">{empty}</p>
      ) : (
        <Table
          labelledBy={`jobs-${title}`}
          className="mt-2"
          head={['Job', 'Attempts', 'Queued', 'Runs from', 'Finished', 'Last error', ...(retry ? [''] : [])]}
        >
          {jobs.map((j) => (
            <tr key={j.id} className="border-t border-slate-100 align-top">
              <td className={cellClass}>
                <div className="font-medium">{j.name}</div>
                <div className="font-mono text-xs text-slate-500">{j.id}</div>
              </td>
              <td className={cellClass}>
                {j.attempts} of {j.maxAttempts}
              </td>
              <td className={cellClass}>{when(j.createdOn)}</td>
              <td className={cellClass}>{when(j.startAfter)}</td>
              <td className={cellClass}>{when(j.completedOn)}</td>
              <td className={`${cellClass} max-w-md`}>
                {j.error ? <span className="break-words text-red-800">{j.error}</span> : <span className="text-slate-400">—</span>}
              </td>
              {retry && (
                <td className={cellClass}>
                  <RetryButton name={j.name} id={j.id} />
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

export default async function JobsPage() {
  const actor = await requireArea('/admin');
  const jobs = await listJobs(actor);
  return (
    <div>
      <Breadcrumb parent={{ href: '/admin', label: 'Admin' }} current="Background jobs" />
      <h1 className="mt-2 text-2xl font-semibold">Background jobs</h1>
      <p className="mt-1 text-slate-600">
        E-mail, the request sweep and entitlement expiry run here, once across all instances. A failing job is retried with growing delays;
        once its attempts are spent it stays under Failed with its error until you retry it. Times in UTC.
      </p>
      <JobTable title="Failed" jobs={jobs.failed} empty="No failed jobs." retry />
      <JobTable title="Running" jobs={jobs.active} empty="Nothing is running right now." />
      <JobTable title="Queued" jobs={jobs.queued} empty="Nothing is waiting." />
      <JobTable title="Completed in the last day" jobs={jobs.completed} empty="Nothing completed in the last day." />
    </div>
  );
}
