'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/app/ui/action-state';
import { FormError, inputClass } from '@/app/ui/form';
import { requestRemovalAction, settleRemovalAction } from './actions';

const button = 'whitespace-nowrap rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-60';

/** "Remove…" on an installed item: an optional reason, then a confirmation. */
export function RemoveSoftware({ deviceId, productSlug, productName }: { deviceId: string; productSlug: string; productName: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(requestRemovalAction, {});
  return (
    <details className="text-xs">
      <summary className="cursor-pointer font-medium text-red-800">Remove…</summary>
      <form action={action} className="mt-2 space-y-2">
        <input type="hidden" name="deviceId" value={deviceId} />
        <input type="hidden" name="productSlug" value={productSlug} />
        <label className="block text-slate-700">
          Reason (optional)
          <input name="reason" maxLength={1000} className={`${inputClass} mt-1 text-xs`} />
        </label>
        <button
          type="submit"
          disabled={pending}
          className={`${button} border-red-300 text-red-800 hover:bg-red-50`}
          onClick={(e) => {
            if (!confirm(`Remove ${productName} from this device? The portal agent uninstalls it at its next sync.`)) e.preventDefault();
          }}
        >
          {pending ? 'Requesting…' : `Remove ${productName}`}
        </button>
        <FormError state={state} />
      </form>
    </details>
  );
}

/** Retry or cancel a removal that failed; cancel one still waiting for the agent. */
export function RemovalActions({ deviceId, removalId, failed }: { deviceId: string; removalId: string; failed: boolean }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(settleRemovalAction, {});
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="deviceId" value={deviceId} />
      <input type="hidden" name="removalId" value={removalId} />
      <div className="flex flex-wrap gap-2">
        {failed && (
          <button type="submit" name="intent" value="retry" disabled={pending} className={button}>
            Retry removal
          </button>
        )}
        <button type="submit" name="intent" value="cancel" disabled={pending} className={button}>
          Cancel removal
        </button>
      </div>
      <FormError state={state} />
    </form>
  );
}
