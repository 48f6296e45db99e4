import { z } from 'zod';
import { text } from '@/lib/text';

const optionalInt = (min: number, max: number, message: string) =>
  z.preprocess(
    (v) => (v === '' || v === null || v === undefined ? undefined : v),
    z.coerce.number({ error: message }).int(message).min(min, message).max(max, message).optional(),
  );

/** Whole minutes (forms post hours; phasesFromForm converts them). */
const minutesField = (what: string) =>
  z.preprocess(
    (v) => (v === '' || v === null || v === undefined ? 0 : v),
    z.coerce
      .number({ error: `Give the ${what} in hours.` })
      .min(0, `The ${what} cannot be negative.`)
      .max(90 * 24 * 60, `The ${what} is at most 90 days.`)
      .transform((m) => Math.round(m)),
  );

/**
 * One phase as a manager plans it. It takes either a target (collection) or a percentage of the
 * deployment's devices; its gate is a success percentage, a device count, or both (either meets it).
 */
export const phaseInput = z
  .object({
    name: text({ error: 'Name the phase.' }).trim().min(1, 'Name the phase.').max(100, 'A phase name is at most 100 characters.'),
    targetId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid('Choose a target.').optional()),
    percent: optionalInt(1, 100, 'A percentage is a whole number from 1 to 100.'),
    gatePercent: optionalInt(0, 100, 'The success gate is a whole percentage from 0 to 100.'),
    gateCount: optionalInt(1, 1_000_000, 'The device gate is a whole number of at least 1.'),
    waitMinutes: minutesField('wait'),
    throttleMinutes: minutesField('spread'),
    startMode: z.enum(['auto', 'manual'], { error: 'Choose automatic or manual start.' }).default('auto'),
  })
  .superRefine((p, ctx) => {
    if ((p.targetId === undefined) === (p.percent === undefined))
      ctx.addIssue({ code: 'custom', path: ['percent'], message: 'Give the phase either a target or a percentage, not both.' });
    if (p.gatePercent === undefined && p.gateCount === undefined)
      ctx.addIssue({ code: 'custom', path: ['gatePercent'], message: 'Give a success gate: a percentage, a device count, or both.' });
  });
export type PhaseInput = z.infer<typeof phaseInput>;

export const phasePlanInput = z.array(phaseInput).max(10, 'At most 10 phases.');

/** A deployment's halt rule: halt when failures reach `haltFailurePercent` of at least `haltMinReports` reports. */
export const haltRuleInput = z.object({
  haltFailurePercent: z.preprocess(
    (v) => (v === '' || v === undefined ? 20 : v),
    z.coerce.number({ error: 'The halt threshold is a whole percentage from 1 to 100.' }).int().min(1, 'From 1').max(100, 'Up to 100'),
  ),
  haltMinReports: z.preprocess(
    (v) => (v === '' || v === undefined ? 10 : v),
    z.coerce.number({ error: 'Give the least number of reports.' }).int().min(1, 'At least 1').max(1_000_000),
  ),
});

/**
 * Form fields `phases.0.name`, `phases.0.percent` … (a repeating fieldset) as an array; rows whose
 * every field is blank are dropped, so an empty spare row in the form means nothing.
 */
export function phasesFromForm(fields: Record<string, unknown>): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const m = /^phases\.(\d{1,2})\.(\w+)$/.exec(key);
    if (!m) continue;
    const row = (rows[Number(m[1])] ??= {});
    // Hours as typed become minutes; anything that is not a number is passed on for the schema to name.
    const hours = /^(wait|throttle)Hours$/.exec(m[2]!);
    if (hours)
      row[`${hours[1]}Minutes`] =
        typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) * 60 : value;
    else row[m[2]!] = value;
  }
  return rows.filter((r) => r && Object.entries(r).some(([k, v]) => k !== 'startMode' && v !== 0 && String(v).trim() !== ''));
}

export const manageInput = z.object({
  reason: text().trim().max(2000, 'A reason is at most 2,000 characters.').default(''),
});
export const rollForwardInput = z.object({
  releaseId: z.uuid('Choose the fixed release.'),
  reason: text().trim().max(2000, 'A reason is at most 2,000 characters.').default(''),
});
export const startPhaseInput = z.object({
  position: z.coerce.number({ error: 'Choose a phase.' }).int().min(1, 'Choose a phase.').max(10, 'Choose a phase.'),
});
