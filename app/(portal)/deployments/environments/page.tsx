import type { Metadata } from 'next';
import { requireArea } from '@/lib/auth/session';
import { hasRole } from '@/lib/auth/roles';
import { listEnvironments, promotionPathChoices } from '@/lib/deployments/environments';
import { targetRuleChoices } from '@/lib/deployments/targets';
import { cellClass, Table } from '@/app/ui/table';
import { DeploymentsNav } from '../sub-nav';
import { EnvironmentForm } from './environment-form';
import { PromotionPathForm } from './promotion-path-form';

export const metadata: Metadata = { title: 'Environments' };

export default async function EnvironmentsPage() {
  const actor = await requireArea('/deployments');
  const [envs, choices, paths] = await Promise.all([listEnvironments(), targetRuleChoices(actor), promotionPathChoices(actor)]);
  const nameOf = (key: string) => envs.find((e) => e.key === key)?.name ?? key;
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
      <section className="mt-10" aria-labelledby="paths-heading">
        <h2 id="paths-heading" className="text-lg font-semibold">
          Promotion paths
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          A product without a path of its own passes through every environment above, in order. Give one its own path when it skips an
          environment (for example a tool that goes straight to live).
        </p>
        {paths.own.length > 0 && (
          <div className="mt-3">
            <Table label="Products with their own path" head={['Product', 'Path']}>
              {paths.own.map((p) => (
                <tr key={p.productId} className="border-t border-slate-100">
                  <td className={cellClass}>{p.product}</td>
                  <td className={cellClass}>{p.environments.map(nameOf).join(' → ')}</td>
                </tr>
              ))}
            </Table>
          </div>
        )}
        <div className="mt-4 rounded-xl border border-slate-200 bg-white p-4">
          <PromotionPathForm products={paths.products} own={paths.own} environments={envs} />
        </div>
      </section>
    </div>
  );
}
