import { z } from 'zod';
import { text } from '@/lib/text';
import { platformChoices } from '@/lib/platforms';
import { platformValues } from '@/db/schema';

/** Versions like 1.2.3, 2025.2, 24.08, 7.26.19811, 2.0.0-beta.1, 1.0+build.5. */
export const versionSchema = text({ error: 'Enter a version.' })
  .trim()
  .min(1, 'Enter a version.')
  .max(64, 'A version is at most 64 characters.')
  .regex(
    /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/,
    'A version uses letters, digits, dots, hyphens, plus signs and underscores, starting with a letter or digit.',
  );

export const releaseInput = z.object({
  version: versionSchema,
  notes: text().trim().max(10_000, 'Release notes are at most 10,000 characters.').default(''),
});
export type ReleaseInput = z.infer<typeof releaseInput>;

export const changeRefSchema = text()
  .trim()
  .max(64, 'A change reference is at most 64 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'A change reference uses letters, digits, dots, slashes and hyphens.')
  .optional()
  .or(z.literal('').transform(() => undefined));

/** `overrideRef`: a change reference that overrides the product's trust policy (audited). */
export const publishInput = z.object({ changeRef: changeRefSchema, overrideRef: changeRefSchema });
export const withdrawInput = z.object({
  reason: text({ error: 'Give the reason for withdrawal.' })
    .trim()
    .min(1, 'Give the reason for withdrawal.')
    .max(2000, 'The reason is at most 2,000 characters.'),
});

export const sha256Schema = text()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{64}$/, 'A SHA-256 is 64 hexadecimal characters.');

/** A name offered to browsers on download; it is never used as a path. */
export const fileNameSchema = text({ error: 'Give the file name.' })
  .trim()
  .min(1, 'Give the file name.')
  .max(200, 'A file name is at most 200 characters.')
  .regex(/^[^/\\:*?"<>|\u0000-\u001f]+$/, 'A file name cannot contain / \\ : * ? " < > | or control characters.')
  .refine((n) => n !== '.' && n !== '..', 'A file name cannot be . or ..');

export const mediaTypeSchema = text()
  .trim()
  .max(127)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, 'A media type looks like application/octet-stream.')
  .default('application/octet-stream');

export const signatureSchema = z
  .string()
  .trim()
  .max(16_384, 'A signature is at most 16 KB (base64).')
  .regex(/^[A-Za-z0-9+/=\s]*$/, 'Send the signature base64-encoded.')
  .transform((s) => s.replace(/\s+/g, ''))
  .transform((s) => s || undefined);

export const artifactInput = z.object({
  platform: z.enum(platformValues, { error: `Choose the platform this file is for: ${platformChoices}.` }),
  fileName: fileNameSchema,
  mediaType: mediaTypeSchema,
  expectedSha256: sha256Schema.optional(),
  /** Base64 of a detached OpenPGP signature (armored or binary) or of a Sigstore bundle. */
  signature: signatureSchema.optional(),
});
export type ArtifactInput = z.infer<typeof artifactInput>;
