import { z } from 'zod';
import { text } from '@/lib/text';
import { platformValues } from '@/db/schema';
import { fileNameSchema, mediaTypeSchema, publishInput, releaseInput, signatureSchema, versionSchema } from '@/lib/dml/schema';
import { ValidationError } from '@/lib/errors';

/** Pipeline secrets: a recognisable prefix (so secret scanners and people can spot them) + 32 random bytes. */
export const TOKEN_PREFIX = 'ppt_';
export const tokenSecretPattern = /^ppt_[A-Za-z0-9_-]{43}$/;

/** A form's empty date field means "never expires"; a plain date means the start of that day, UTC. */
const expiresAtSchema = z
  .union(
    [
      z.date(),
      z.literal('').transform(() => undefined),
      z.iso.date().transform((d) => new Date(`${d}T00:00:00Z`)),
      z.iso.datetime({ offset: true }).transform((d) => new Date(d)),
    ],
    { error: 'Choose a valid expiry date.' },
  )
  .optional()
  .refine((d) => d === undefined || d.getTime() > Date.now(), 'Choose a date in the future.');

export const createTokenInput = z.object({
  name: text({ error: 'Give the token a name.' })
    .trim()
    .min(1, 'Give the token a name, like the pipeline that will use it.')
    .max(100, 'A token name is at most 100 characters.'),
  productIds: z
    .array(z.uuid({ error: 'Choose products from the list.' }), { error: 'Choose at least one product.' })
    .min(1, 'Choose at least one product the token may publish.')
    .max(500)
    .transform((ids) => [...new Set(ids)]),
  expiresAt: expiresAtSchema,
});
export type CreateTokenInput = z.input<typeof createTokenInput>;

/** POST /releases: the same rules as the library's form. */
export const releaseBody = releaseInput;
/** POST /publish: an empty body is allowed (no change reference). */
export const publishBody = publishInput;

/**
 * PUT /artifacts/{platform}: taken from the path and headers. The checksum is required here (it is
 * optional for librarians' uploads) so that every byte a pipeline publishes is verified on arrival.
 */
export const artifactHeaders = z.object({
  platform: z.enum(platformValues, { error: `Platform must be one of: ${platformValues.join(', ')}.` }),
  fileName: fileNameSchema,
  mediaType: mediaTypeSchema,
  sha256: text({ error: 'Send the file’s SHA-256 in the X-Checksum-SHA256 header (64 hex characters, as printed by sha256sum).' })
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, 'X-Checksum-SHA256 must be the file’s SHA-256: 64 hexadecimal characters, as printed by sha256sum.'),
  signature: signatureSchema.optional(),
});
/** What a caller hands in, before validation (the service validates it again). */
export type ArtifactHeaders = { platform: string; fileName?: string; mediaType?: string; sha256?: string; signature?: string };

export const versionParam = z.object({ version: versionSchema });

/** The input field a zod issue is about, as the API and forms name it. */
export function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path.length ? issue.path.map(String).join('.') : 'input';
}

/**
 * Parses service input, turning the first problem into a ValidationError naming its field: services
 * re-validate whatever a route or action already parsed, because they are the boundary that matters.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ValidationError(issue.message, fieldOf(issue));
}
