'use client';

import { useActionState } from 'react';
import { ConfirmWithReason } from '@/app/ui/confirm-with-reason';
import { FormError } from '@/app/ui/form';
import { revokeDeviceAction } from './actions';

/** Revoking is final: the device's token stops working and its pulls end. Asks for a reason, then confirmation. */
export function RevokeDeviceForm({ deviceId, hostname, status }: { deviceId: string; hostname: string; status: string }) {
  const revoking = useActionState(revokeDeviceAction.bind(null, deviceId), {});
  const [state] = revoking;
  if (status === 'revoked' || status === 'retired') {
    return (
      <div className="mt-2 space-y-2 text-sm text-slate-600">
        <FormError state={state} />
        <p>This device is {status}: it can no longer authenticate or pull anything.</p>
      </div>
    );
  }
  return (
    <div className="mt-2">
      <ConfirmWithReason
        actionState={revoking}
        reasonLabel="Reason (recorded in the audit log)"
        submitLabel="Revoke device"
        pendingLabel="Revoking…"
        confirmMessage={`Revoke ${hostname}? This cannot be undone.`}
      >
        <p className="text-sm text-slate-600">
          For a lost, stolen or compromised device: its token stops working at once, and it can pull nothing more. Its install history stays
          on record.
        </p>
      </ConfirmWithReason>
    </div>
  );
}
