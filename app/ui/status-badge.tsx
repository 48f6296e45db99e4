import type { DeploymentStatus, ReleaseStatus } from '@/db/schema';

/**
 * The tones a status can take, each dark text on a pale fill with a ring, at least 4.5:1 on every
 * fill. A page maps its states onto tones; it does not pick colours of its own.
 */
export const badgeTones = {
  neutral: 'bg-slate-100 text-slate-700 ring-slate-300',
  muted: 'bg-slate-100 text-slate-600 ring-slate-300',
  plain: 'bg-white text-slate-700 ring-slate-300',
  info: 'bg-sky-50 text-sky-800 ring-sky-200',
  accent: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  success: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  warning: 'bg-amber-50 text-amber-800 ring-amber-200',
  caution: 'bg-orange-50 text-orange-900 ring-orange-300',
  danger: 'bg-red-50 text-red-800 ring-red-200',
  owner: 'bg-violet-50 text-violet-900 ring-violet-200',
  strong: 'bg-indigo-600 text-white ring-indigo-600',
  critical: 'bg-red-700 text-white ring-red-700',
} as const;

export type BadgeTone = keyof typeof badgeTones;

/** A short status in a pill. */
export function StatusBadge({
  tone,
  children,
  className = '',
  testId,
}: {
  tone: BadgeTone;
  children: React.ReactNode;
  /** Spacing only (`ml-2`). */
  className?: string;
  testId?: string;
}) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${badgeTones[tone]} ${className}`}
      data-testid={testId}
    >
      {children}
    </span>
  );
}

/** A device's state, the same colour on the owner's list and the desk's page. */
export const deviceStatusTones: Record<'pending' | 'active' | 'retired' | 'revoked', BadgeTone> = {
  active: 'success',
  pending: 'warning',
  retired: 'neutral',
  revoked: 'danger',
};

const releaseTones: Record<ReleaseStatus, BadgeTone> = {
  draft: 'neutral',
  published: 'success',
  deprecated: 'warning',
  withdrawn: 'danger',
};

export function ReleaseStatusBadge({ status }: { status: ReleaseStatus }) {
  return <StatusBadge tone={releaseTones[status]}>{status}</StatusBadge>;
}

const deploymentTones: Record<DeploymentStatus, BadgeTone> = {
  draft: 'neutral',
  pending_approval: 'warning',
  scheduled: 'info',
  active: 'accent',
  halted: 'caution',
  completed: 'success',
  cancelled: 'danger',
};

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  return <StatusBadge tone={deploymentTones[status]}>{status.replace('_', ' ')}</StatusBadge>;
}
