'use client';

import { startTransition, useActionState } from 'react';
import type { ActionState } from '@/app/ui/action-state';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { checkGatesAction, resumeAction, rollBackAction, rollForwardAction, startPhaseAction } from '../ring-actions';

const button = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60';

/** What a manager does with a phased deployment: start the next phase; resume, roll forward or roll back after a halt. */
export function RingControls({
  id,
  status,
  nextPhase,
  fixedReleases,
}: {
  id: string;
  status: string;
  nextPhase: number | null;
  fixedReleases: { id: string; version: string }[];
}) {
  const [started, start, starting] = useActionState<ActionState, FormData>(startPhaseAction.bind(null, id), {});
  const [checked, check, checking] = useActionState<ActionState, FormData>(checkGatesAction.bind(null, id), {});
  const [resumed, resume, resuming] = useActionState<ActionState, FormData>(resumeAction.bind(null, id), {});
  const [forward, rollForward, forwarding] = useActionState<ActionState, FormData>(rollForwardAction.bind(null, id), {});
  const [back, rollBack, backing] = useActionState<ActionState, FormData>(rollBackAction.bind(null, id), {});
  const halted = status === 'halted';
  return (
    <section aria-labelledby="ring-actions" className="space-y-3">
      <h2 id="ring-actions" className="text-lg font-semibold">
        Phase actions
      </h2>
      <FormError state={started} />
      <FormError state={resumed} />
      <FormError state={checked} />
      {status === 'active' && (
        <div className="flex flex-wrap gap-2">
          <form onSubmit={submitKeepingInput(check, startTransition)}>
            <button type="submit" disabled={checking} className={button}>
              Check the gates now
            </button>
          </form>
          {nextPhase !== null && (
            <form onSubmit={submitKeepingInput(start, startTransition)}>
              <input type="hidden" name="position" value={nextPhase} />
              <button type="submit" disabled={starting} className={button}>
                Start phase {nextPhase} now
              </button>
            </form>
          )}
        </div>
      )}
      {halted && (
        <form onSubmit={submitKeepingInput(resume, startTransition)} className="flex flex-wrap items-end gap-2">
          <Field label="Why resume" name="reason-resume">
            <input id="reason-resume" name="reason" className={inputClass} maxLength={2000} />
          </Field>
          <button type="submit" disabled={resuming} className={button}>
            Resume
          </button>
        </form>
      )}
      {(halted || status === 'active') && (
        <form onSubmit={submitKeepingInput(rollForward, startTransition)} className="flex flex-wrap items-end gap-2">
          <FormError state={forward} />
          <Field label="Roll forward to" name="releaseId" error={forward.fieldErrors?.releaseId?.[0]}>
            <select id="releaseId" name="releaseId" className={inputClass} disabled={!fixedReleases.length}>
              {fixedReleases.length ? (
                fixedReleases.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.version}
                  </option>
                ))
              ) : (
                <option value="">no later release</option>
              )}
            </select>
          </Field>
          <button type="submit" disabled={forwarding || !fixedReleases.length} className={button}>
            Roll forward
          </button>
        </form>
      )}
      {(halted || status === 'active') && (
        <form onSubmit={submitKeepingInput(rollBack, startTransition)} className="flex flex-wrap items-end gap-2">
          <FormError state={back} />
          <Field label="Why roll back" name="reason-back">
            <input id="reason-back" name="reason" className={inputClass} maxLength={2000} />
          </Field>
          <button type="submit" disabled={backing} className={`${button} text-red-700`}>
            Roll back to the previous release
          </button>
        </form>
      )}
    </section>
  );
}
