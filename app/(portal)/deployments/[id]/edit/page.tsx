import type { Metadata } from 'next';
import { listPhases } from '@/lib/rings/timeline';
import { notFound } from 'next/navigation';
import { requireArea } from '@/lib/auth/session';
import { deploymentFormChoices, getDeploymentDetail } from '@/lib/deployments/queries';
import { orNotFound } from '@/app/ui/or-not-found';
import { updateDeploymentAction } from '../../actions';
import { DeploymentForm } from '../../deployment-form';
import { DeploymentsNav } from '../../sub-nav';

export const metadata: Metadata = { title: 'Edit deployment' };

/** The value a datetime-local field shows for an instant, in UTC like the rest of the page. */
const local = (d: Date | null) => (d ? d.toISOString().slice(0, 16) : '');
const hhmm = (m: number | null) => (m === null ? '' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

export default async function EditDeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireArea('/deployments');
  const { id } = await params;
  const [d, choices] = await Promise.all([orNotFound(getDeploymentDetail(actor, id)), deploymentFormChoices(actor)]);
  if (d.status === 'completed' || d.status === 'cancelled') notFound();
  const phases = await listPhases(actor, id);
  return (
    <div className="max-w-3xl">
      <DeploymentsNav current="/deployments" />
      <h1 className="text-2xl font-semibold">Edit {d.name}</h1>
      <p className="mt-1 mb-6 text-slate-600">
        Saving makes version {d.version + 1}.{d.env.approvalGroupId && d.status !== 'draft' ? ' It needs a fresh approval.' : ''}
      </p>
      <DeploymentForm
        action={updateDeploymentAction.bind(null, d.id)}
        choices={choices}
        version={d.version}
        reasonRequired={d.status === 'scheduled' || d.status === 'active' || d.status === 'halted'}
        submitLabel="Save new version"
        initial={{
          name: d.name,
          releaseId: d.releaseId,
          targetId: d.targetId,
          environment: d.environment,
          intent: d.intent,
          availableFrom: local(d.availableFrom),
          deadline: local(d.deadline),
          windowStart: hhmm(d.windowStartMinute),
          windowEnd: hhmm(d.windowEndMinute),
          windowTimeZone: d.windowTimeZone,
          cutoverAt: local(d.cutoverAt),
          changeRef: d.changeRef ?? '',
          phases: phases.map((p) => ({
            name: p.name,
            targetId: p.targetId ?? '',
            percent: p.percent === null ? '' : String(p.percent),
            gatePercent: p.gatePercent === null ? '' : String(p.gatePercent),
            gateCount: p.gateCount === null ? '' : String(p.gateCount),
            waitHours: String(p.waitMinutes / 60),
            throttleHours: String(p.throttleMinutes / 60),
            startMode: p.startMode === 'manual' ? 'manual' : 'auto',
          })),
          haltFailurePercent: String(d.haltFailurePercent),
          haltMinReports: String(d.haltMinReports),
        }}
      />
    </div>
  );
}
