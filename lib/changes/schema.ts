import { z } from 'zod';
import { changeKindValues } from '@/db/schema';
import { text } from '@/lib/text';

const instant = (field: string) =>
  z.union(
    [
      z.date(),
      z.iso.datetime({ offset: true }).transform((d) => new Date(d)),
      z.iso.datetime({ local: true }).transform((d) => new Date(`${d}Z`)),
    ],
    {
      error: `Give ${field} as a date and time.`,
    },
  );

export const changeInput = z
  .object({
    reference: text({ error: 'Give the change a reference.' })
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$/, 'A reference is 2–40 letters, digits, dots, dashes or underscores, e.g. CHG0032001.'),
    title: text({ error: 'Give the change a title.' }).trim().min(1, 'Give the change a title.').max(200),
    description: text().trim().max(4000).default(''),
    kind: z.enum(changeKindValues, { error: 'Kind is standard, normal or emergency.' }),
    environment: text().trim().min(1).default('live'),
    windowStart: instant('the window start'),
    windowEnd: instant('the window end'),
  })
  .refine((c) => c.windowEnd > c.windowStart, { message: 'The window must end after it starts.', path: ['windowEnd'] });
export type ChangeInput = z.input<typeof changeInput>;

export const changeDecisionInput = z
  .object({
    changeId: z.uuid({ error: 'No such change.' }),
    decision: z.enum(['approved', 'rejected']),
    comment: text().trim().max(2000).default(''),
  })
  .refine((d) => d.decision === 'approved' || d.comment.length > 0, { message: 'Say why you reject it.', path: ['comment'] });
export type ChangeDecisionInput = z.input<typeof changeDecisionInput>;

export const changeTransitionInput = z.object({
  changeId: z.uuid({ error: 'No such change.' }),
  to: z.enum(['scheduled', 'implemented', 'failed', 'closed'], { error: 'Choose scheduled, implemented, failed or closed.' }),
});
