import type { RequestStatus } from '@/db/schema';

export const requestStatusLabels: Record<RequestStatus, string> = {
  submitted: 'Submitted',
  pending_approval: 'Pending approval',
  waiting_for_seat: 'Waiting for a seat',
  approved: 'Approved',
  fulfilled: 'Fulfilled',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

const styles: Record<RequestStatus, string> = {
  submitted: 'bg-slate-100 text-slate-700 ring-slate-300',
  pending_approval: 'bg-amber-50 text-amber-800 ring-amber-200',
  waiting_for_seat: 'bg-sky-50 text-sky-800 ring-sky-200',
  approved: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  fulfilled: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  rejected: 'bg-red-50 text-red-800 ring-red-200',
  cancelled: 'bg-slate-100 text-slate-600 ring-slate-300',
  expired: 'bg-slate-100 text-slate-600 ring-slate-300',
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status]}`}
      data-testid="request-status"
    >
      {requestStatusLabels[status]}
    </span>
  );
}
