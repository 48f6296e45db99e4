import type { ChangeState } from '@/db/schema';
import { StatusBadge, type BadgeTone } from '@/app/ui/status-badge';

const tones: Record<ChangeState, BadgeTone> = {
  requested: 'warning',
  approved: 'success',
  rejected: 'danger',
  scheduled: 'accent',
  implemented: 'success',
  failed: 'danger',
  closed: 'neutral',
};

export function ChangeStateBadge({ state }: { state: ChangeState }) {
  return <StatusBadge tone={tones[state]}>{state}</StatusBadge>;
}
