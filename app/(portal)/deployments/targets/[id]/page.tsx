import type { Metadata } from 'next';
import { requireArea } from '@/lib/auth/session';
import { getTarget, targetRuleChoices } from '@/lib/deployments/targets';
import { orNotFound } from '@/app/ui/or-not-found';
import { DeploymentsNav } from '../../sub-nav';
import { updateTargetAction } from '../actions';
import { TargetForm } from '../target-form';

export const metadata: Metadata = { title: 'Edit target' };

export default async function EditTargetPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireArea('/deployments');
  const { id } = await params;
  const [target, choices] = await Promise.all([orNotFound(getTarget(actor, id)), targetRuleChoices(actor)]);
  return (
    <div>
      <DeploymentsNav current="/deployments/targets" />
      <h1 className="text-2xl font-semibold">{target.name}</h1>
      <p className="mt-1 mb-6 text-slate-600">
        Deployments using this target follow a change at their next sweep: new devices are assigned, leavers lose their assignment.
      </p>
      <TargetForm action={updateTargetAction.bind(null, target.id)} choices={choices} initial={target} submitLabel="Save changes" />
    </div>
  );
}
