import { formatDateTime } from '@/app/ui/format';
import { requireActor } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { requestInstallState, type RequestInstallState } from '@/lib/installs/user-reported';
import { InstalledButton } from './installed-button';

/** Below the downloads: what the ledger says is installed on the device, or the "I installed it" button. */
export async function InstallState({ requestId, hostname }: { requestId: string; hostname: string }) {
  let state: RequestInstallState;
  try {
    state = await requestInstallState(await requireActor(), requestId);
  } catch (e) {
    if (e instanceof NotFoundError) return null; // an approver looking at the request: not theirs to confirm
    throw e;
  }
  if (state.installed)
    return (
      <p className="mt-3 text-sm text-slate-700" data-testid="install-state">
        Version {state.installed.version} is installed on {hostname} since {formatDateTime(state.installed.since)} (
        {state.installed.userReported ? 'reported by its owner' : 'verified by the agent'}).
      </p>
    );
  return state.canConfirm ? <InstalledButton requestId={requestId} hostname={hostname} /> : null;
}
