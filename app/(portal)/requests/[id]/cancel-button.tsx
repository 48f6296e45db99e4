'use client';

import { startTransition, useActionState } from 'react';
import { FormError } from '@/app/ui/form';
import { cancelRequestAction } from './actions';

export function CancelButton({ requestId, productName }: { requestId: string; productName: string }) {
  const [state, cancel, pending] = useActionState(() => cancelRequestAction(requestId), {});
  return (
    <div className="space-y-2">
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          if (confirm(`Cancel your request for ${productName}? Approvers will no longer see it.`)) startTransition(() => cancel());
        }}
        className="w-full rounded-md border border-red-600 px-3 py-2 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60"
      >
        {pending ? 'Cancelling…' : 'Cancel request'}
      </button>
      <FormError state={state} />
    </div>
  );
}
