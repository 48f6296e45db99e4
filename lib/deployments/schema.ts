import { z } from 'zod';
import { text } from '@/lib/text';

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
