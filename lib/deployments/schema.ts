import { z } from 'zod';
import { deploymentIntentValues, deviceKindValues, platformValues } from '@/db/schema';
import { text } from '@/lib/text';
import { haltRuleInput, phasePlanInput } from '@/lib/rings/schema';

/** A list from a form (repeated fields) or JSON; at most `max` distinct values. */
const list = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z
    .array(item)
    .max(max, `At most ${max} ${what}.`)
    .transform((v) => [...new Set(v)] as z.infer<T>[])
    .optional();

const site = text().trim().min(1, 'A site cannot be empty.').max(100, 'A site name is at most 100 characters.');

/** Target rules: each dimension ANDs, values inside one OR; deviceIds are added (union). */
export const targetRules = z.object({
  groupIds: list(z.uuid('Unknown group.'), 100, 'groups'),
  platforms: list(z.enum(platformValues, { error: 'Unknown platform.' }), platformValues.length, 'platforms'),
  environments: list(
    text()
      .trim()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, 'Unknown environment.'),
    50,
    'environments',
  ),
  sites: list(site, 200, 'sites'),
  countries: list(
    text()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'A country is a two-letter ISO code such as DE.'),
    250,
    'countries',
  ),
  kinds: list(z.enum(deviceKindValues, { error: 'Unknown device kind.' }), deviceKindValues.length, 'kinds'),
  deviceIds: list(z.uuid('Unknown device.'), 1000, 'devices'),
});
export type TargetRulesInput = z.infer<typeof targetRules>;

export const targetInput = z.object({
  name: text({ error: 'Give the target a name.' }).trim().min(1, 'Give the target a name.').max(200, 'A name is at most 200 characters.'),
  description: text().trim().max(2000, 'A description is at most 2,000 characters.').default(''),
  rules: targetRules,
});
export type TargetInput = z.infer<typeof targetInput>;

/**
 * The form's times are labelled UTC, and a datetime-local value carries no offset: read it as UTC
 * (JavaScript would read it in the server's own time zone). Values with an offset keep it.
 */
const asUtc = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? `${v}Z` : v);
const utcDate = (message: string) => z.preprocess(asUtc, z.coerce.date({ error: message }));
const optionalDate = (message: string) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : asUtc(v)), z.coerce.date({ error: message }).optional());
/** Minutes after midnight, given as a number or as "HH:MM" (a time field). */
const minuteOfDay = z.preprocess(
  (v) => {
    if (v === '' || v === null) return undefined;
    const hm = typeof v === 'string' ? /^(\d{2}):(\d{2})$/.exec(v) : null;
    return hm ? Number(hm[1]) * 60 + Number(hm[2]) : v;
  },
  z.coerce.number({ error: 'Give minutes after midnight.' }).int().min(0, 'From 0').max(1439, 'Up to 1439').optional(),
);

/** What a deployment manager edits: release × target × environment × intent × schedule × change reference. */
export const deploymentInput = z
  .object({
    name: text({ error: 'Give the deployment a name.' })
      .trim()
      .min(1, 'Give the deployment a name.')
      .max(200, 'A name is at most 200 characters.'),
    releaseId: z.uuid('Choose a release.'),
    targetId: z.uuid('Choose a target.'),
    environment: text({ error: 'Choose an environment.' })
      .trim()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, 'Choose an environment.'),
    intent: z.enum(deploymentIntentValues, { error: 'Choose required or available.' }),
    availableFrom: utcDate('Give the date it becomes available.'),
    deadline: optionalDate('Give a valid deadline.'),
    windowStartMinute: minuteOfDay,
    windowEndMinute: minuteOfDay,
    windowTimeZone: text()
      .trim()
      .max(64)
      .default('UTC')
      .refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', 'Unknown time zone.'),
    cutoverAt: optionalDate('Give a valid cut-over time.'),
    changeRef: z.preprocess(
      (v) => (v === '' ? undefined : v),
      text().trim().max(100, 'A change reference is at most 100 characters.').optional(),
    ),
    /** Phases (rings) in order; none: every device at once. */
    phases: phasePlanInput.default([]),
    ...haltRuleInput.shape,
  })
  .superRefine((d, ctx) => {
    if (d.deadline && d.deadline <= d.availableFrom)
      ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'The deadline must be after the start.' });
    if (d.cutoverAt && d.cutoverAt < d.availableFrom)
      ctx.addIssue({ code: 'custom', path: ['cutoverAt'], message: 'The cut-over cannot be before the start.' });
    if (d.cutoverAt && d.intent !== 'required')
      ctx.addIssue({ code: 'custom', path: ['cutoverAt'], message: 'Only a required deployment can have a cut-over (big bang).' });
    if ((d.windowStartMinute === undefined) !== (d.windowEndMinute === undefined))
      ctx.addIssue({ code: 'custom', path: ['windowEndMinute'], message: 'Give both ends of the maintenance window, or neither.' });
  });
export type DeploymentInput = z.infer<typeof deploymentInput>;

/** The version the editor saw (a stale one is a 409) and, for a scheduled or active deployment, why. */
export const changeMeta = z.object({
  expectedVersion: z.coerce.number({ error: 'Reload the page.' }).int().min(1, 'Reload the page.'),
  reason: text().trim().max(2000, 'A reason is at most 2,000 characters.').default(''),
});
export type ChangeMeta = z.infer<typeof changeMeta>;

export const deploymentDecisionInput = z
  .object({
    deploymentId: z.uuid('No such deployment.'),
    version: z.coerce.number({ error: 'Reload the page.' }).int().min(1),
    decision: z.enum(['approved', 'rejected'], { error: 'Approve or reject.' }),
    comment: text().trim().max(2000, 'A comment is at most 2,000 characters.').default(''),
  })
  .refine((d) => d.decision === 'approved' || d.comment.length > 0, { path: ['comment'], message: 'Give the reason for rejecting.' });
export type DeploymentDecisionInput = z.infer<typeof deploymentDecisionInput>;

/** Ids are plain text here: one that is not a uuid names nothing, and the service answers 404 (assertId). */
const id = (label: string) => text({ error: `Send the ${label} id.` }).max(100, `Send the ${label} id.`);

const untilSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true })], {
    error: 'until is an ISO 8601 date-time, e.g. 2026-12-01T18:00:00Z.',
  })
  // A form's datetime-local value has no offset: the page labels it UTC, so it is read as UTC.
  .transform((s) => new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(s) ? s : `${s}Z`))
  .optional();

/** POST /api/v1/device/postpone: the agent puts off one of its own required assignments. */
export const devicePostponeInput = z.object({ deploymentId: id('deployment'), until: untilSchema });

/** The My software page: postpone (required) or install now (available) on one of the owner's devices. */
export const assignmentActionInput = z.object({
  deploymentId: id('deployment'),
  deviceId: id('device'),
  until: z.union([z.literal('').transform(() => undefined), untilSchema]).optional(),
});
