import type { Metadata } from 'next';
import { ActionForm } from '@/app/ui/action-form';
import { Field, inputClass } from '@/app/ui/form';
import { formatDateTime } from '@/app/ui/format';
import { orNotFound } from '@/app/ui/or-not-found';
import { cellClass, Table } from '@/app/ui/table';
import Link from 'next/link';
import { areaFor, mayEnter } from '@/lib/auth/areas';
import { requireArea } from '@/lib/auth/session';
import { changeDetail } from '@/lib/changes/queries';
import { decideChangeAction, moveChangeAction } from '../actions';
import { ChangeStateBadge } from '../change-state-badge';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Change' };
export const dynamic = 'force-dynamic';

const nextStates: Record<string, string[]> = {
  approved: ['scheduled', 'implemented', 'failed'],
  scheduled: ['implemented', 'failed'],
  implemented: ['closed'],
  failed: ['closed'],
  rejected: ['closed'],
};

export default async function ChangePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireArea('/changes');
  const c = await orNotFound(changeDetail(actor, (await params).id));
  const seesDeployments = mayEnter(areaFor('/deployments')!, actor.roles);
  return (
    <div className="space-y-6">
      <Breadcrumb parent={{ href: '/changes', label: 'Changes' }} current={c.reference} />
      <div>
        <h1 className="text-2xl font-semibold">
          {c.reference}: {c.title}
        </h1>
        <p className="mt-2 flex flex-wrap items-center gap-3 text-sm text-slate-600">
          <ChangeStateBadge state={c.state} /> <span>{c.kind}</span> <span>into {c.environment}</span>
          <span>
            window {formatDateTime(c.windowStart)} – {formatDateTime(c.windowEnd)}
          </span>
          <span>needs {c.requiredApprovals} approval(s)</span>
          {c.supplier && <span>supplier: {c.supplier}</span>}
          {c.requester && <span>asked by {c.requester}</span>}
        </p>
        {c.description && <p className="mt-2 max-w-3xl whitespace-pre-line">{c.description}</p>}
        {c.rejectedReason && <p className="mt-2 text-red-800">Rejected: {c.rejectedReason}</p>}
      </div>
      <section aria-labelledby="decisions">
        <h2 id="decisions" className="mb-2 text-lg font-semibold">
          Decisions
        </h2>
        <Table
          label="Decisions"
          head={['Approver', 'Decision', 'Comment', 'When (UTC)']}
          empty={c.decisions.length === 0 && 'No decisions yet.'}
        >
          {c.decisions.map((d, i) => (
            <tr key={i} className="border-t border-slate-100">
              <td className={cellClass}>{d.approver}</td>
              <td className={cellClass}>{d.decision}</td>
              <td className={cellClass}>{d.comment || '—'}</td>
              <td className={cellClass}>{formatDateTime(d.at)}</td>
            </tr>
          ))}
        </Table>
      </section>
      {c.state === 'requested' && (
        <section aria-labelledby="decide" className="rounded-xl border border-slate-200 bg-white p-4">
          <h2 id="decide" className="mb-3 text-lg font-semibold">
            Your decision
          </h2>
          <ActionForm layout="stacked" action={decideChangeAction} submitLabel="Record decision" label="Decide this change">
            <input type="hidden" name="changeId" value={c.id} />
            <Field label="Decision" name="decision">
              <select id="decision" name="decision" className={inputClass} defaultValue="approved">
                <option value="approved">Approve</option>
                <option value="rejected">Reject</option>
              </select>
            </Field>
            <Field label="Comment (a rejection needs a reason)" name="comment">
              <textarea id="comment" name="comment" rows={2} className={inputClass} />
            </Field>
          </ActionForm>
        </section>
      )}
      {nextStates[c.state] && (
        <section aria-labelledby="progress" className="rounded-xl border border-slate-200 bg-white p-4">
          <h2 id="progress" className="mb-3 text-lg font-semibold">
            Progress
          </h2>
          <ActionForm layout="stacked" action={moveChangeAction} submitLabel="Move" label="Move this change on">
            <input type="hidden" name="changeId" value={c.id} />
            <Field label="New state" name="to">
              <select id="to" name="to" className={inputClass}>
                {nextStates[c.state]!.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </Field>
          </ActionForm>
        </section>
      )}
      <section aria-labelledby="deployments">
        <h2 id="deployments" className="mb-2 text-lg font-semibold">
          Deployments under this change
        </h2>
        <Table
          label="Deployments under this change"
          head={['Deployment', 'Software', 'Environment', 'Status', 'Available from (UTC)']}
          empty={c.deployments.length === 0 && `No deployment names ${c.reference}.`}
        >
          {c.deployments.map((d) => (
            <tr key={d.id} className="border-t border-slate-100" data-testid="change-deployment">
              <td className={cellClass}>
                {seesDeployments ? (
                  <Link href={`/deployments/${d.id}`} className="font-medium text-indigo-700 hover:underline">
                    {d.name}
                  </Link>
                ) : (
                  d.name
                )}
              </td>
              <td className={cellClass}>
                {d.product} {d.version}
              </td>
              <td className={cellClass}>{d.environment}</td>
              <td className={cellClass}>{d.status}</td>
              <td className={`${cellClass} whitespace-nowrap`}>{formatDateTime(d.availableFrom)}</td>
            </tr>
          ))}
        </Table>
      </section>
      <section aria-labelledby="announced">
        <h2 id="announced" className="mb-2 text-lg font-semibold">
          Supplier plans under this change
        </h2>
        <Table
          label="Supplier plans under this change"
          head={['Supplier', 'Component', 'Version', 'Items', 'Window (UTC)']}
          empty={c.announced.length === 0 && 'No supplier announced work under this change.'}
        >
          {c.announced.map((a) => (
            <tr key={a.id} className="border-t border-slate-100" data-testid="change-announcement">
              <td className={cellClass}>{a.supplier}</td>
              <td className={cellClass}>{a.component}</td>
              <td className={cellClass}>{a.version}</td>
              <td className={cellClass}>{a.items.join(', ')}</td>
              <td className={cellClass}>
                {formatDateTime(a.windowStart)} – {formatDateTime(a.windowEnd)}
              </td>
            </tr>
          ))}
        </Table>
      </section>
      <section aria-labelledby="work">
        <h2 id="work" className="mb-2 text-lg font-semibold">
          Supplier work under this change
        </h2>
        <Table
          label="Supplier work"
          head={['Device', 'Component', 'Version', 'Status', 'When (UTC)']}
          empty={c.work.length === 0 && 'None reported.'}
        >
          {c.work.map((w) => (
            <tr key={w.id} className="border-t border-slate-100">
              <td className={cellClass}>{w.hostname}</td>
              <td className={cellClass}>{w.component}</td>
              <td className={cellClass}>{w.version}</td>
              <td className={cellClass}>{w.status}</td>
              <td className={cellClass}>{formatDateTime(w.occurredAt)}</td>
            </tr>
          ))}
        </Table>
      </section>
      <section aria-labelledby="history">
        <h2 id="history" className="mb-2 text-lg font-semibold">
          History
        </h2>
        <Table label="History" head={['What', 'By', 'When (UTC)']} empty={c.history.length === 0 && 'Nothing recorded.'}>
          {c.history.map((h, i) => (
            <tr key={i} className="border-t border-slate-100" data-testid="change-history">
              <td className={cellClass}>{h.what}</td>
              <td className={cellClass}>{h.by}</td>
              <td className={`${cellClass} whitespace-nowrap`}>{formatDateTime(h.at)}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
