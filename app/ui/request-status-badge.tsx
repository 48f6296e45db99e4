import type { RequestStatus } from '@/db/schema';
import { StatusBadge, type BadgeTone } from './status-badge';

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

const tones: Record<RequestStatus, BadgeTone> = {
  submitted: 'neutral',
  pending_approval: 'warning',
  waiting_for_seat: 'info',
  approved: 'success',
  fulfilled: 'accent',
  rejected: 'danger',
  cancelled: 'muted',
  expired: 'muted',
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return (
    <StatusBadge tone={tones[status]} testId="request-status">
      {requestStatusLabels[status]}
    </StatusBadge>
  );
}
