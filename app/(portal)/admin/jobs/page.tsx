import type { Metadata } from 'next';
import Link from 'next/link';
import { listJobs, type JobView } from '@/lib/jobs/admin';
import { requireArea } from '@/lib/auth/session';
import { formatDateTime } from '@/app/ui/format';
import { RetryButton } from './retry-button';

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
        <div
          className="mt-2 overflow-x-auto rounded-xl border border-slate-200 bg-white"
          role="region"
          aria-labelledby={`jobs-${title}`}
          tabIndex={0}
        >
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Job
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Attempts
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Queued
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Runs from
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Finished
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Last error
                </th>
                {retry && (
                  <th scope="col" className="px-4 py-2 font-medium">
                    <span className="sr-only">Action</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id} className="border-t border-slate-100 align-top">
                  <td className="px-4 py-2">
                    <div className="font-medium">{j.name}</div>
                    <div className="font-mono text-xs text-slate-500">{j.id}</div>
                  </td>
                  <td className="px-4 py-2">
                    {j.attempts} of {j.maxAttempts}
                  </td>
                  <td className="px-4 py-2">{when(j.createdOn)}</td>
                  <td className="px-4 py-2">{when(j.startAfter)}</td>
                  <td className="px-4 py-2">{when(j.completedOn)}</td>
                  <td className="max-w-md px-4 py-2">
                    {j.error ? <span className="break-words text-red-800">{j.error}</span> : <span className="text-slate-400">—</span>}
                  </td>
                  {retry && (
                    <td className="px-4 py-2">
                      <RetryButton name={j.name} id={j.id} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default async function JobsPage() {
  const actor = await requireArea('/admin');
  const jobs = await listJobs(actor);
  return (
    <div>
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/admin" className="hover:underline">
          Admin
        </Link>{' '}
        / Background jobs
      </nav>
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
