import { z } from 'zod';
import { text } from '@/lib/text';
import { roleValues } from '@/db/schema';

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

/** An admin's changes to one account. Everyone keeps the requester role: it is what signing in means. */
export const userUpdateInput = z.object({
  name: text().trim().min(1, 'Enter a name.').max(120, 'A name is at most 120 characters.'),
  roles: z
    .array(z.enum(roleValues, 'Unknown role.'))
    .max(roleValues.length)
    .transform((r) => [...new Set<(typeof roleValues)[number]>(['requester', ...r])]),
  managerId: z.preprocess((v) => (v === '' ? null : v), z.uuid('Choose a manager.').nullable()),
  groupIds: z.array(z.uuid()).max(100).default([]),
  active: checkbox.default(false),
});
export type UserUpdateInput = z.infer<typeof userUpdateInput>;

/** A group's name and description, as an admin creates or edits it. */
export const groupInput = z.object({
  name: text({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(80, 'A group name is at most 80 characters.'),
  description: text().trim().max(500, 'A description is at most 500 characters.').default(''),
});
export type GroupInput = z.infer<typeof groupInput>;
