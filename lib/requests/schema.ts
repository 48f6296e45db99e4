import { z } from 'zod';
import { text } from '@/lib/text';

export const requestInput = z.object({
  productId: z.uuid('Choose a product.'),
  /** Empty means "the current release", resolved when the request is approved. */
  releaseId: z.preprocess((v) => (v === '' || v === 'current' ? undefined : v), z.uuid('Choose a release.').optional()),
  deviceId: z.uuid('Choose one of your devices.'),
  justification: text({ error: 'Say why you need it.' })
    .trim()
    .min(10, 'Say why you need it, in at least 10 characters.')
    .max(2000, 'A justification is at most 2,000 characters.'),
});
export type RequestInput = z.infer<typeof requestInput>;

export const decisionInput = z
  .object({
    requestId: z.uuid('No such request.'),
    decision: z.enum(['approved', 'rejected'], { error: 'Approve or reject.' }),
    comment: text().trim().max(2000, 'A comment is at most 2,000 characters.').default(''),
    /** The stage the approver was shown: if it has moved on, they are told who decided it. */
    stage: z.coerce.number({ error: 'No such stage.' }).int('No such stage.').min(0).max(1000).optional(),
  })
  .refine((d) => d.decision === 'approved' || d.comment.length > 0, { path: ['comment'], message: 'Give the reason for rejecting.' });
export type DecisionInput = z.infer<typeof decisionInput>;

export const delegationInput = z
  .object({
    delegateId: z.uuid('Choose a delegate.'),
    startsAt: z.coerce.date({ error: 'Give a start date.' }),
    endsAt: z.coerce.date({ error: 'Give an end date.' }),
  })
  .refine((d) => d.endsAt > d.startsAt, { path: ['endsAt'], message: 'The end must be after the start.' });
export type DelegationInput = z.infer<typeof delegationInput>;
