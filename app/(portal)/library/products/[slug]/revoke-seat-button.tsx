'use client';

import { startTransition, useActionState } from 'react';
import { revokeSeatAction } from './release-actions';

export function RevokeSeatButton({ entitlementId, slug }: { entitlementId: string; slug: string }) {
  const [state, revoke, busy] = useActionState(() => revokeSeatAction(entitlementId, slug), {});
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => confirm('Take this seat back? The person loses the right to pull this product.') && startTransition(() => revoke())}
        className="text-xs font-medium text-red-700 hover:underline"
      >
        Revoke
      </button>
      {state.error && <span className="ml-2 text-xs text-red-700">{state.error}</span>}
    </>
  );
}
