'use client';

import { startTransition, useActionState } from 'react';
import type { ActionState } from '@/app/ui/action-state';
import { ConfirmWithReason } from '@/app/ui/confirm-with-reason';
import { FormError, submitKeepingInput } from '@/app/ui/form';
import { cancelDeploymentAction, scheduleDeploymentAction } from '../actions';

/** Schedule (a draft) and cancel (anything not finished), each a small form of its own. */
export function DeploymentControls({
  id,
  version,
  canSchedule,
  canCancel,
  needsApproval,
}: {
  id: string;
  version: number;
  canSchedule: boolean;
  canCancel: boolean;
  needsApproval: boolean;
}) {
  const [scheduled, schedule, scheduling] = useActionState<ActionState, FormData>(scheduleDeploymentAction.bind(null, id), {});
  const cancelling = useActionState<ActionState, FormData>(cancelDeploymentAction.bind(null, id), {});
  return (
    <div className="space-y-4">
      {/* Outside the form: once scheduled the form is gone, and the outcome must stay readable. */}
      <FormError state={scheduled} />
      {canSchedule && (
        <form onSubmit={submitKeepingInput(schedule, startTransition)} className="space-y-2">
          <input type="hidden" name="expectedVersion" value={version} />
          <button
            type="submit"
            disabled={scheduling}
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
          >
            {needsApproval ? 'Send for approval' : 'Schedule'}
          </button>
        </form>
      )}
      {canCancel && (
        <details className="rounded-md border border-slate-200 bg-white p-3">
          <summary className="cursor-pointer text-sm font-medium text-red-700">Cancel this deployment…</summary>
          <div className="mt-3">
            <ConfirmWithReason
              actionState={cancelling}
              reasonLabel="Reason"
              hint="Assignments end and the entitlements it granted are revoked."
              submitLabel="Cancel deployment"
            />
          </div>
        </details>
      )}
    </div>
  );
}
