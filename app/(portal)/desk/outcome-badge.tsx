import type { InstallEventType } from '@/db/schema';
import { outcomeLabels } from '@/lib/installs/filters';

const styles: Record<InstallEventType, string> = {
  download_started: 'bg-slate-100 text-slate-700 ring-slate-300',
  download_completed: 'bg-sky-50 text-sky-800 ring-sky-200',
  download_failed: 'bg-orange-50 text-orange-800 ring-orange-200',
  install_succeeded: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  install_failed: 'bg-red-50 text-red-800 ring-red-200',
  uninstalled: 'bg-amber-50 text-amber-800 ring-amber-200',
  uninstall_failed: 'bg-red-50 text-red-800 ring-red-200',
};

export function OutcomeBadge({ type }: { type: InstallEventType }) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[type]}`}
      data-testid="outcome"
    >
      {outcomeLabels[type]}
    </span>
  );
}

/** Who vouches for an install outcome: the agent that ran it, or only the owner's word. */
export function ReportedByBadge({ userReported, type }: { userReported: boolean; type: InstallEventType }) {
  if (!userReported && !type.startsWith('install_') && type !== 'uninstalled') return null;
  return (
    <span
      className={`ml-1 inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        userReported ? 'bg-violet-50 text-violet-900 ring-violet-200' : 'bg-white text-slate-700 ring-slate-300'
      }`}
      data-testid="reported-by"
    >
      {userReported ? 'Reported by owner' : 'Agent-verified'}
    </span>
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
