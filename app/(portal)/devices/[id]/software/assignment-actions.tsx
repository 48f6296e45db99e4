'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/app/ui/action-state';
import { FormError, inputClass } from '@/app/ui/form';
import { installNowAction, postponeAction } from './actions';

const button = 'whitespace-nowrap rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-60';

/** "Postpone" (required, until at most the deadline) or "Install now" (available, not yet claimed). */
export function AssignmentActions(props: {
  deviceId: string;
  deploymentId: string;
  intent: 'required' | 'available';
  claimed: boolean;
  /** For required: the latest time allowed, as a datetime-local value (UTC), or null without a deadline. */
  latest: string | null;
  deadlinePassed: boolean;
}) {
  const [postponed, postpone, postponing] = useActionState<ActionState, FormData>(postponeAction, {});
  const [claimed, claim, claiming] = useActionState<ActionState, FormData>(installNowAction, {});
  const hidden = (
    <>
      <input type="hidden" name="deviceId" value={props.deviceId} />
      <input type="hidden" name="deploymentId" value={props.deploymentId} />
    </>
  );
  if (props.intent === 'available') {
    if (props.claimed) return <span className="text-xs text-slate-600">Granted: installs at the agent’s next sync</span>;
    return (
      <form action={claim} className="space-y-1">
        {hidden}
        <button type="submit" disabled={claiming} className={button}>
          {claiming ? 'Granting…' : 'Install now'}
        </button>
        <FormError state={claimed} />
      </form>
    );
  }
  if (props.deadlinePassed) return <span className="text-xs text-slate-600">Deadline passed: installs at the next sync</span>;
  return (
    <form action={postpone} className="space-y-1">
      {hidden}
      <label className="block text-xs text-slate-600">
        Postpone until (UTC, optional; default a day)
        <input type="datetime-local" name="until" max={props.latest ?? undefined} className={`${inputClass} mt-1 text-xs`} />
      </label>
      <button type="submit" disabled={postponing} className={button}>
        {postponing ? 'Postponing…' : 'Postpone'}
      </button>
      <FormError state={postponed} />
    </form>
  );
}
