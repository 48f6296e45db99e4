import { z } from 'zod';
import { cleanText, text } from '@/lib/text';
import { platformChoices } from '@/lib/platforms';
import { installEventTypeValues, platformValues } from '@/db/schema';

/**
 * Enrolment codes avoid characters people misread (0/O, 1/I/L): 12 of these 31 (~59 bits), shown
 * as XXXX-XXXX-XXXX. Long enough that rate-limited guessing (enrol-limit.ts) cannot hit a live code.
 */
export const ENROL_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ENROL_CODE_LENGTH = 12;
export const ENROL_CODE_MINUTES = 15;
/** Device tokens: a recognisable prefix (secret scanners, people) + 32 random bytes, base64url. */
export const DEVICE_TOKEN_PREFIX = 'pdt_';
export const deviceTokenPattern = /^pdt_[A-Za-z0-9_-]{43}$/;
/** The stored length of an install error: its tail, where installers print the reason they stopped. */
export const ERROR_TEXT_MAX = 8000;

export const hostnameSchema = text({ error: 'Give the device’s name.' })
  .trim()
  .min(1, 'Give the device’s name, e.g. its hostname.')
  .max(63, 'A device name is at most 63 characters.')
  .regex(/^[A-Za-z0-9._-]+$/, 'A device name uses letters, digits, dots, hyphens and underscores only.');

export const platformSchema = z.enum(platformValues, { error: `Choose a platform: ${platformChoices}.` });

const optionalText = (max: number, label: string) =>
  text({ error: `${label} must be text.` })
    .trim()
    .max(max, `${label} is at most ${max} characters.`)
    .optional()
    .transform((v) => v || undefined);

export const agentVersionSchema = text({ error: 'Send the agent’s version.' })
  .trim()
  .min(1, 'Send the agent’s version.')
  .max(50, 'An agent version is at most 50 characters.');

export const registerDeviceInput = z.object({
  hostname: hostnameSchema,
  platform: platformSchema,
  serial: optionalText(100, 'A serial number'),
});
export type RegisterDeviceInput = z.input<typeof registerDeviceInput>;

export const renameDeviceInput = z.object({ hostname: hostnameSchema });

export const revokeDeviceInput = z.object({
  reason: text({ error: 'Give the reason for revoking.' })
    .trim()
    .min(1, 'Give the reason for revoking.')
    .max(2000, 'The reason is at most 2,000 characters.'),
});

/** The code's format is checked by the service (a malformed code is just a wrong code: 401). */
export const enrolInput = z.object({
  code: text({ error: 'Send the enrolment code shown in the portal.' }).max(64, 'Send the enrolment code shown in the portal.'),
  agentVersion: agentVersionSchema.optional(),
  // The machine's own name, only recorded (the name its owner gave is kept): any FQDN must do.
  hostname: optionalText(255, 'A hostname'),
  serial: optionalText(100, 'A serial number'),
});
export type EnrolInput = z.input<typeof enrolInput>;

const sha256 = text({ error: 'A SHA-256 is 64 hexadecimal characters.' })
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{64}$/, 'A SHA-256 is 64 hexadecimal characters.');

export const checkInInput = z.object({
  agentVersion: agentVersionSchema,
  installed: z
    .array(
      z.object({
        artifactId: z.uuid('An artifact id is a UUID.').optional(),
        sha256,
        version: optionalText(64, 'A version'),
        product: optionalText(200, 'A product'),
      }),
      { error: 'installed is a list.' },
    )
    .max(1000, 'Report at most 1,000 installed items.')
    .optional(),
});
export type CheckInInput = z.input<typeof checkInInput>;

const installEvent = z
  .object({
    idempotencyKey: text({ error: 'Send an idempotency key (8 to 100 characters) with each event.' })
      .min(8, 'An idempotency key is 8 to 100 characters.')
      .max(100, 'An idempotency key is 8 to 100 characters.'),
    type: z.enum(installEventTypeValues, { error: `The type is one of: ${installEventTypeValues.join(', ')}.` }),
    artifactId: z.uuid('An artifact id is a UUID.'),
    /** The deployment this outcome belongs to; the device must be assigned to it (else 422). */
    deploymentId: z.uuid('A deployment id is a UUID.').optional(),
    occurredAt: z.iso.datetime({ offset: true, error: 'occurredAt is an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z.' }),
    exitCode: z
      .number({ error: 'An exit code is an integer.' })
      .int('An exit code is an integer.')
      .min(-2147483648)
      .max(2147483647)
      .optional(),
    // Any length is accepted; only the tail is kept (installers print why they stopped last).
    // Cleaned, not refused: one NUL in an installer's output must not lose the report.
    errorText: text({ error: 'errorText is text.' })
      .optional()
      .transform((t) => (t ? cleanText(t).slice(-ERROR_TEXT_MAX) : undefined)),
    bytes: z.number({ error: 'bytes is an integer.' }).int('bytes is an integer.').min(0, 'bytes cannot be negative.').optional(),
    agentVersion: agentVersionSchema.optional(),
  })
  .refine((e) => (e.type !== 'install_failed' && e.type !== 'uninstall_failed') || e.errorText !== undefined || e.exitCode !== undefined, {
    path: ['errorText'],
    message: 'An install_failed or uninstall_failed event needs errorText or exitCode.',
  });

export const reportsInput = z.object({
  events: z
    .array(installEvent, { error: 'Send events: a list of 1 to 100 install events.' })
    .min(1, 'Send at least one event.')
    .max(100, 'Send at most 100 events at a time.'),
});
export type ReportsInput = z.input<typeof reportsInput>;
export type InstallEventInput = z.output<typeof installEvent>;
