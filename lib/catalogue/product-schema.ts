import { z } from 'zod';
import { text } from '@/lib/text';

export const licenceModels = ['free', 'open-source', 'per-seat', 'site'] as const;

const stage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manager') }),
  z.object({
    kind: z.literal('group'),
    groupId: z.uuid('Choose the approver group.'),
    requiredApprovals: z.coerce.number().int().min(1, 'At least one approval.').max(20, 'At most 20 approvals.').default(1),
  }),
]);
export type PolicyStageInput = z.infer<typeof stage>;

const optionalInt = (min: number, max: number, message: string) =>
  z.preprocess(
    (v) => (v === '' || v === null || v === undefined ? undefined : v),
    z.coerce.number().int().min(min, message).max(max, message).optional(),
  );

/** A product as a librarian edits it. Forms send strings; this is where they become types. */
export const productInput = z
  .object({
    name: text().trim().min(1, 'Enter a name.').max(120, 'A name is at most 120 characters.'),
    slug: text()
      .trim()
      .toLowerCase()
      .max(80, 'A URL name is at most 80 characters.')
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single hyphens, like visual-studio-code.'),
    publisher: text().trim().min(1, 'Enter the publisher.').max(120, 'A publisher is at most 120 characters.'),
    category: text().trim().min(1, 'Enter a category.').max(60, 'A category is at most 60 characters.'),
    summary: text().trim().max(200, 'A summary is at most 200 characters.').default(''),
    description: text().trim().max(10_000, 'A description is at most 10,000 characters.').default(''),
    homepageUrl: text()
      .trim()
      .max(500)
      .refine((u) => u === '' || /^https?:\/\/[^\s]+$/.test(u), 'Enter a web address starting with https://.')
      .default(''),
    licenceModel: z.enum(licenceModels, { error: 'Choose a licence model.' }),
    seatLimit: optionalInt(1, 1_000_000, 'Seats are a whole number from 1 to 1,000,000.'),
    seatExhausted: z.enum(['wait', 'reject']).default('wait'),
    visibility: z.enum(['everyone', 'groups']).default('everyone'),
    groupIds: z.array(z.uuid()).max(50).default([]),
    requireChangeRef: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false),
    approvalTimeoutHours: z.coerce
      .number()
      .int()
      .min(1, 'At least one hour.')
      .max(24 * 90, 'At most 90 days.')
      .default(120),
    entitlementDays: optionalInt(1, 3650, 'Days are a whole number from 1 to 3650.'),
    archived: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false),
    policy: z.array(stage).max(5, 'At most five approval stages.').default([]),
  })
  .superRefine((p, ctx) => {
    if (p.visibility === 'groups' && p.groupIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['groupIds'], message: 'Choose at least one group, or make it visible to everyone.' });
    }
    if (p.licenceModel === 'per-seat' && p.seatLimit === undefined) {
      ctx.addIssue({ code: 'custom', path: ['seatLimit'], message: 'A per-seat licence needs a seat limit.' });
    }
  });
export type ProductInput = z.infer<typeof productInput>;

/** Icons are small; screenshots a little larger (both are served to every requester). */
export const ICON_MAX_BYTES = 256 * 1024;
export const SCREENSHOT_MAX_BYTES = 2 * 1024 * 1024;
export const SCREENSHOTS_PER_PRODUCT = 6;
export const ALT_TEXT_MAX = 200;
