import type { ReleaseStatus } from '@/db/schema';

const styles: Record<ReleaseStatus, string> = {
  draft: 'bg-slate-100 text-slate-700 ring-slate-300',
  published: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  deprecated: 'bg-amber-50 text-amber-800 ring-amber-200',
  withdrawn: 'bg-red-50 text-red-800 ring-red-200',
};

export function ReleaseStatusBadge({ status }: { status: ReleaseStatus }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status]}`}>
      {status}
    </span>
  );
}
