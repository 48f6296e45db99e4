import type { DeploymentStatus } from '@/db/schema';

const styles: Record<DeploymentStatus, string> = {
  draft: 'bg-slate-100 text-slate-700 ring-slate-300',
  pending_approval: 'bg-amber-50 text-amber-800 ring-amber-200',
  scheduled: 'bg-sky-50 text-sky-800 ring-sky-200',
  active: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  halted: 'bg-orange-50 text-orange-900 ring-orange-300',
  completed: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  cancelled: 'bg-red-50 text-red-800 ring-red-200',
};

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status]}`}
    >
      {status.replace('_', ' ')}
    </span>
  );
}
