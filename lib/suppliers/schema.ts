import { z } from 'zod';
import { deviceKindValues, supplierEventStatusValues } from '@/db/schema';
import { text } from '@/lib/text';

const instant = (field: string) =>
  z.union([z.date(), z.iso.datetime({ offset: true }).transform((d) => new Date(d))], {
    error: `${field} must be a date and time with an offset, e.g. 2026-12-01T22:00:00Z.`,
  });

const list = (max: number) =>
  z
    .array(text().trim().min(1).max(200), { error: 'Give a list.' })
    .max(max)
    .default([])
    .transform((a) => [...new Set(a)]);

export const supplierInput = z.object({
  name: text({ error: 'Give the supplier a name.' }).trim().min(1, 'Give the supplier a name.').max(120),
  contactEmail: z.union([z.literal(''), z.email({ error: 'Give a valid e-mail address.' })]).default(''),
  environments: list(20),
  sites: list(100),
  kinds: z.array(z.enum(deviceKindValues, { error: `Kinds are ${deviceKindValues.join(', ')}.` })).default([]),
  deviceIds: z
    .array(z.uuid({ error: 'Choose devices from the list.' }))
    .max(1000)
    .default([]),
});
export type SupplierInput = z.input<typeof supplierInput>;

export const credentialInput = z.object({
  name: text({ error: 'Give the credential a name.' }).trim().min(1, 'Give the credential a name.').max(100),
  expiresAt: z
    .union([z.date(), z.iso.date().transform((d) => new Date(`${d}T00:00:00Z`))], { error: 'Choose a valid expiry date.' })
    .refine((d) => d.getTime() > Date.now(), 'Choose a date in the future.'),
});
export type CredentialInput = z.input<typeof credentialInput>;

const itemRef = text({ error: 'Name each item by its device id or hostname.' }).trim().min(1, 'Name each item.').max(200);
const componentSchema = text({ error: 'Say what is deployed (component).' }).trim().min(1, 'Say what is deployed.').max(200);
const versionSchema = text({ error: 'Give the version.' }).trim().min(1, 'Give the version.').max(100);
const changeRefSchema = text().trim().max(100).optional();
const keySchema = text().trim().min(1).max(200).optional();

export const announceInput = z
  .object({
    component: componentSchema,
    version: versionSchema,
    items: z.array(itemRef, { error: 'List the items (devices) it is for.' }).min(1, 'List at least one item.').max(500),
    windowStart: instant('windowStart'),
    windowEnd: instant('windowEnd'),
    changeRef: changeRefSchema,
    idempotencyKey: keySchema,
  })
  .refine((a) => a.windowEnd > a.windowStart, { message: 'The window must end after it starts.', path: ['windowEnd'] });
export type AnnounceInput = z.input<typeof announceInput>;

/** Evidence is free text or an https link; anything else that looks like a URL is refused. */
const evidenceSchema = text()
  .trim()
  .max(2000, 'Evidence is at most 2000 characters.')
  .refine((e) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(e) || /^https:\/\/\S+$/i.test(e), 'An evidence link must be https://…')
  .optional();

export const reportItem = z.object({
  item: itemRef,
  status: z.enum(supplierEventStatusValues, { error: `status is one of ${supplierEventStatusValues.join(', ')}.` }),
  component: componentSchema.optional(),
  version: versionSchema,
  sha256: text()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 hexadecimal characters.')
    .optional(),
  evidence: evidenceSchema,
  occurredAt: instant('occurredAt').optional(),
  changeRef: changeRefSchema,
  idempotencyKey: keySchema,
});

export const reportInput = z.object({
  announcementId: z.uuid({ error: 'announcementId must be an announcement id.' }).optional(),
  component: componentSchema.optional(),
  changeRef: changeRefSchema,
  idempotencyKey: keySchema,
  reports: z.array(reportItem, { error: 'Send the reports as a list.' }).min(1, 'Send at least one report.').max(500),
});
export type ReportInput = z.input<typeof reportInput>;
