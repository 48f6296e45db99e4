import type { Metadata } from 'next';
import { requireArea } from '@/lib/auth/session';
import { targetRuleChoices } from '@/lib/deployments/targets';
import { DeploymentsNav } from '../../sub-nav';
import { createTargetAction } from '../actions';
import { TargetForm } from '../target-form';

export const metadata: Metadata = { title: 'New target' };

export default async function NewTargetPage() {
  const actor = await requireArea('/deployments');
  const choices = await targetRuleChoices(actor);
  return (
    <div>
      <DeploymentsNav current="/deployments/targets" />
      <h1 className="mb-6 text-2xl font-semibold">New target</h1>
      <TargetForm action={createTargetAction} choices={choices} submitLabel="Save target" />
    </div>
  );
}
