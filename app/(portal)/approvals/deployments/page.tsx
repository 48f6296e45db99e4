import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { listDeploymentsAwaiting } from '@/lib/deployments/approval';
import { formatDateTime } from '@/app/ui/format';
import { DeploymentDecisionForm } from './decision-form';

export const metadata: Metadata = { title: 'Deployments to approve' };

export default async function DeploymentApprovalsPage() {
  const actor = await requireArea('/approvals');
  const rows = await listDeploymentsAwaiting(actor);
  return (
    <div className="max-w-4xl">
      <Link href="/approvals" className="text-sm text-indigo-700 hover:underline">
        ← Requests
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Deployments to approve</h1>
      <p className="mt-1 text-slate-600">
        Deployments into an environment whose approval group you belong to (or stand in for). You decide the version shown.
      </p>
      {rows.length === 0 && (
        <p className="mt-8 rounded-xl border border-slate-200 bg-white px-4 py-10 text-center text-slate-600">Nothing waits for you.</p>
      )}
      <ul className="mt-6 space-y-4">
        {rows.map((r) => (
          <li key={r.d.id} id={`d-${r.d.id}`} className="rounded-xl border border-slate-200 bg-white p-4">
            <h2 className="font-semibold">{r.d.name}</h2>
            <p className="text-sm text-slate-700">
              {r.product} {r.release} → {r.target} in {r.environmentName} · {r.d.intent}
              {r.d.cutoverAt ? ', big bang' : ''} · version {r.d.version}
            </p>
            <p className="text-sm text-slate-600">
              From {formatDateTime(r.d.availableFrom)}
              {r.d.deadline ? `, deadline ${formatDateTime(r.d.deadline)}` : ''}
              {r.d.cutoverAt ? `, cut-over ${formatDateTime(r.d.cutoverAt)}` : ''} · change {r.d.changeRef ?? '—'} · planned by {r.creator}
            </p>
            <p className="mt-1 text-sm">
              {r.approvals} of {r.requiredApprovals} decisions recorded{r.onBehalfOfId ? ' · you decide as a delegate' : ''}
            </p>
            {r.decidedByMe ? (
              <p className="mt-2 text-sm text-slate-600">You have decided this version.</p>
            ) : (
              <DeploymentDecisionForm deploymentId={r.d.id} version={r.d.version} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
