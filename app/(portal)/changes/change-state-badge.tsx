import type { ChangeState } from '@/db/schema';

const styles: Record<ChangeState, string> = {
  requested: 'bg-amber-50 text-amber-800 ring-amber-200',
  approved: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  rejected: 'bg-red-50 text-red-800 ring-red-200',
  scheduled: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  implemented: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
  closed: 'bg-slate-100 text-slate-700 ring-slate-200',
};

export function ChangeStateBadge({ state }: { state: ChangeState }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[state]}`}>{state}</span>;
}
