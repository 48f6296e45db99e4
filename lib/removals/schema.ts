import { z } from 'zod';
import { text } from '@/lib/text';

export const requestRemovalInput = z.object({
  deviceId: z.uuid('Choose a device.'),
  productSlug: text({ error: 'Choose the software to remove.' }).trim().min(1, 'Choose the software to remove.').max(200),
  reason: text({ error: 'The reason is text.' }).trim().max(1000, 'The reason is at most 1,000 characters.').optional().default(''),
});
export type RequestRemovalInput = z.input<typeof requestRemovalInput>;

export const removalActionInput = z.object({
  removalId: z.uuid('No such removal.'),
});
