'use client';

import { startTransition, useActionState } from 'react';
import { FormError } from '@/app/ui/form';
import { confirmInstalledAction } from './actions';

/** The owner says the downloaded installer ran: recorded as a user-reported install. */
export function InstalledButton({ requestId, hostname }: { requestId: string; hostname: string }) {
  const [state, confirmIt, pending] = useActionState(() => confirmInstalledAction(requestId), {});
  return (
    <div className="mt-3 space-y-2">
      <p className="text-sm text-slate-700">
        Installed it from the downloaded file? Say so, so the service desk knows it runs on {hostname}.
      </p>
      <button
        type="button"
        disabled={pending}
        onClick={() => startTransition(() => confirmIt())}
        className="rounded-md border border-indigo-700 bg-white px-4 py-2 text-sm font-medium text-indigo-800 hover:bg-indigo-50 disabled:opacity-60"
      >
        {pending ? 'Saving…' : 'I installed it'}
      </button>
      <FormError state={state} />
    </div>
  );
}
