import type { Metadata } from 'next';
import { requireArea } from '@/lib/auth/session';
import { deploymentFormChoices } from '@/lib/deployments/queries';
import { createDeploymentAction } from '../actions';
import { DeploymentForm } from '../deployment-form';
import { DeploymentsNav } from '../sub-nav';

export const metadata: Metadata = { title: 'New deployment' };

export default async function NewDeploymentPage() {
  const actor = await requireArea('/deployments');
  const choices = await deploymentFormChoices(actor);
  return (
    <div className="max-w-3xl">
      <DeploymentsNav current="/deployments" />
      <h1 className="text-2xl font-semibold">New deployment</h1>
      <p className="mt-1 mb-6 text-slate-600">
        Saved as a draft; schedule it from its page once the plan and the licence picture look right.
      </p>
      <DeploymentForm action={createDeploymentAction} choices={choices} submitLabel="Save draft" />
    </div>
  );
}
