'use client';

import { useState } from 'react';
import { Field, inputClass } from '@/app/ui/form';

export interface PhaseRow {
  name: string;
  targetId: string;
  percent: string;
  gatePercent: string;
  gateCount: string;
  waitHours: string;
  throttleHours: string;
  startMode: 'auto' | 'manual';
}

export const blankPhase = (n: number): PhaseRow => ({
  name: `Ring ${n}`,
  targetId: '',
  percent: n === 1 ? '10' : '100',
  gatePercent: '90',
  gateCount: '',
  waitHours: n === 1 ? '0' : '24',
  throttleHours: '0',
  startMode: 'auto',
});

/**
 * The phase plan: a small repeating fieldset (one card per phase, stacked on a phone). Each
 * phase takes a target or a percentage; fields are posted as phases.N.field.
 */
export function PhaseFieldset({
  initial,
  targets,
  err,
  halt,
}: {
  initial: PhaseRow[];
  targets: { id: string; name: string }[];
  err: (field: string) => string | undefined;
  halt: { percent: string; minReports: string };
}) {
  const [rows, setRows] = useState<PhaseRow[]>(initial);
  const update = (i: number, patch: Partial<PhaseRow>) => setRows((r) => r.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  return (
    <fieldset className="space-y-3 rounded-xl border border-slate-200 p-4">
      <legend className="px-1 text-sm font-semibold">Phases (optional)</legend>
      <p className="text-xs text-slate-600">
        Without phases every covered device gets it at once. A percentage phase takes devices by a stable bucket, cumulatively (10 % then 50
        % means 40 % more); a device belongs to the first phase that takes it.
      </p>
      {err('phases') && <p className="text-sm text-red-700">{err('phases')}</p>}
      {rows.map((row, i) => {
        const id = (f: string) => `phases.${i}.${f}`;
        return (
          <div key={i} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3" role="group" aria-label={`Phase ${i + 1}`}>
            <div className="grid gap-3 sm:grid-cols-3">
              <Field label={`Phase ${i + 1} name`} name={id('name')} error={err(id('name'))}>
                <input
                  id={id('name')}
                  name={id('name')}
                  value={row.name}
                  onChange={(e) => update(i, { name: e.target.value })}
                  className={inputClass}
                />
              </Field>
              <Field label="Target (or a percentage)" name={id('targetId')} error={err(id('targetId'))}>
                <select
                  id={id('targetId')}
                  name={id('targetId')}
                  value={row.targetId}
                  onChange={(e) => update(i, { targetId: e.target.value })}
                  className={inputClass}
                >
                  <option value="">— percentage —</option>
                  {targets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Percentage (cumulative)" name={id('percent')} error={err(id('percent'))}>
                <input
                  id={id('percent')}
                  name={id('percent')}
                  inputMode="numeric"
                  value={row.targetId ? '' : row.percent}
                  disabled={!!row.targetId}
                  onChange={(e) => update(i, { percent: e.target.value })}
                  className={inputClass}
                />
              </Field>
              <Field label="Gate: % succeeded" name={id('gatePercent')} error={err(id('gatePercent'))}>
                <input
                  id={id('gatePercent')}
                  name={id('gatePercent')}
                  inputMode="numeric"
                  value={row.gatePercent}
                  onChange={(e) => update(i, { gatePercent: e.target.value })}
                  className={inputClass}
                />
              </Field>
              <Field label="or devices succeeded" name={id('gateCount')} error={err(id('gateCount'))}>
                <input
                  id={id('gateCount')}
                  name={id('gateCount')}
                  inputMode="numeric"
                  value={row.gateCount}
                  onChange={(e) => update(i, { gateCount: e.target.value })}
                  className={inputClass}
                />
              </Field>
              <Field label="Start" name={id('startMode')}>
                <select
                  id={id('startMode')}
                  name={id('startMode')}
                  value={row.startMode}
                  onChange={(e) => update(i, { startMode: e.target.value as PhaseRow['startMode'] })}
                  className={inputClass}
                >
                  <option value="auto">after the gate before it and the wait</option>
                  <option value="manual">by a manager</option>
                </select>
              </Field>
              <Field label="Wait after that gate (hours)" name={id('waitMinutes')} error={err(id('waitMinutes'))}>
                <input
                  id={id('waitMinutes')}
                  name={id('waitHours')}
                  inputMode="decimal"
                  value={row.waitHours}
                  onChange={(e) => update(i, { waitHours: e.target.value })}
                  className={inputClass}
                />
              </Field>
              <Field label="Spread starts over (hours)" name={id('throttleMinutes')} error={err(id('throttleMinutes'))}>
                <input
                  id={id('throttleMinutes')}
                  name={id('throttleHours')}
                  inputMode="decimal"
                  value={row.throttleHours}
                  onChange={(e) => update(i, { throttleHours: e.target.value })}
                  className={inputClass}
                />
              </Field>
            </div>
            <button type="button" className="text-sm text-red-700 underline" onClick={() => setRows((r) => r.filter((_, j) => j !== i))}>
              Remove phase {i + 1}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
        onClick={() => setRows((r) => [...r, blankPhase(r.length + 1)])}
      >
        Add phase
      </button>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Halt when failures reach (%)"
          name="haltFailurePercent"
          error={err('haltFailurePercent')}
          hint="At exactly this rate it halts."
        >
          <input id="haltFailurePercent" name="haltFailurePercent" inputMode="numeric" defaultValue={halt.percent} className={inputClass} />
        </Field>
        <Field label="…of at least (reports)" name="haltMinReports" error={err('haltMinReports')}>
          <input id="haltMinReports" name="haltMinReports" inputMode="numeric" defaultValue={halt.minReports} className={inputClass} />
        </Field>
      </div>
    </fieldset>
  );
}
