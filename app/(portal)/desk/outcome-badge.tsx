import type { InstallEventType } from '@/db/schema';
import { outcomeLabels } from '@/lib/installs/filters';
import { StatusBadge, type BadgeTone } from '@/app/ui/status-badge';

const tones: Record<InstallEventType, BadgeTone> = {
  download_started: 'neutral',
  download_completed: 'info',
  download_failed: 'caution',
  install_succeeded: 'success',
  install_failed: 'danger',
  uninstalled: 'warning',
  uninstall_failed: 'danger',
};

export function OutcomeBadge({ type }: { type: InstallEventType }) {
  return (
    <StatusBadge tone={tones[type]} testId="outcome">
      {outcomeLabels[type]}
    </StatusBadge>
  );
}

/** Who vouches for an install outcome: the agent that ran it, or only the owner's word. */
export function ReportedByBadge({ userReported, type }: { userReported: boolean; type: InstallEventType }) {
  if (!userReported && !type.startsWith('install_') && type !== 'uninstalled') return null;
  return (
    <StatusBadge tone={userReported ? 'owner' : 'plain'} className="ml-1" testId="reported-by">
      {userReported ? 'Reported by owner' : 'Agent-verified'}
    </StatusBadge>
  );
}

/** The first characters of a SHA-256, with all of it on hover and for screen readers. */
export function ShortHash({ sha256 }: { sha256: string }) {
  return (
    <span className="font-mono text-xs text-slate-500" title={sha256}>
      <span className="sr-only">SHA-256 </span>
      {sha256.slice(0, 12)}…
    </span>
  );
}

export const shortId = (id: string) => id.slice(0, 8);
