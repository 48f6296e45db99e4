import type { Metadata } from 'next';
import { requireArea } from '@/lib/auth/session';
import { hasRole } from '@/lib/auth/roles';
import { listEnvironments } from '@/lib/deployments/environments';
import { targetRuleChoices } from '@/lib/deployments/targets';
import { cellClass, Table } from '@/app/ui/table';
import { DeploymentsNav } from '../sub-nav';
import { EnvironmentForm } from './environment-form';

export const metadata: Metadata = { title: 'Environments' };

export default async function EnvironmentsPage() {
  const actor = await requireArea('/deployments');
  const [envs, choices] = await Promise.all([listEnvironments(), targetRuleChoices(actor)]);
  const admin = hasRole(actor, 'admin');
  return (
    <div>
      <DeploymentsNav current="/deployments/environments" />
      <h1 className="text-2xl font-semibold">Environments</h1>
      <p className="mt-1 text-slate-600">
        In promotion order. A release enters an environment only after the one before it met its success threshold; an approval group
        decides every deployment into its environment.{admin ? '' : ' Only administrators change these settings.'}
      </p>
      <div className="mt-6">
        {admin ? (
          <div className="space-y-6">
            {envs.map((e) => (
              <section key={e.key} className="rounded-xl border border-slate-200 bg-white p-4">
                <EnvironmentForm env={e} groups={choices.groups} />
              </section>
            ))}
          </div>
        ) : (
          <Table label="Environments" head={['Environment', 'Success threshold', 'Approval']}>
            {envs.map((e) => (
              <tr key={e.key} className="border-t border-slate-100">
                <td className={cellClass}>{e.name}</td>
                <td className={cellClass}>{e.successThresholdPercent} %</td>
                <td className={cellClass}>{e.approvalGroup ? `${e.requiredApprovals} of ${e.approvalGroup}` : 'none'}</td>
              </tr>
            ))}
          </Table>
        )}
      </div>
    </div>
  );
}
