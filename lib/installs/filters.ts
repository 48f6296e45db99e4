import { z } from 'zod';
import { text as storableText } from '@/lib/text';
import { installEventTypeValues, type InstallEventType } from '@/db/schema';
import { ValidationError } from '@/lib/errors';

/** Rows on one page of the install records table. */
export const INSTALL_PAGE_SIZE = 50;

export const outcomeLabels: Record<InstallEventType, string> = {
  download_started: 'Download started',
  download_completed: 'Download completed',
  download_failed: 'Download failed',
  install_succeeded: 'Install succeeded',
  install_failed: 'Install failed',
  uninstalled: 'Uninstalled',
  uninstall_failed: 'Uninstall failed',
};

// A blank field in a GET form arrives as '' and means "no filter", not "match the empty string".
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const text = (max: number, message: string) => z.preprocess(blankToUndefined, storableText().max(max, message).optional());

const day = (message: string) =>
  z.preprocess(
    blankToUndefined,
    storableText()
      .regex(/^\d{4}-\d{2}-\d{2}$/, message)
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), message)
      .optional(),
  );

/**
 * The install records filter, as read from the desk page's query string (and the export link,
 * which carries the same parameters). Days are UTC days, both inclusive.
 */
export const installFilterInput = z
  .object({
    device: text(100, 'A device name is at most 100 characters.'),
    user: text(320, 'A user is at most 320 characters.'),
    product: z.preprocess(
      blankToUndefined,
      storableText()
        .regex(/^[a-z0-9-]{1,80}$/, 'Choose a product from the list.')
        .optional(),
    ),
    version: text(100, 'A version is at most 100 characters.'),
    outcome: z.preprocess(blankToUndefined, z.enum(installEventTypeValues, 'Choose an outcome from the list.').optional()),
    /** Installs an agent verified, or that the device's owner reported ("I installed it"). */
    reportedBy: z.preprocess(blankToUndefined, z.enum(['agent', 'owner'], 'Choose agent or owner.').optional()),
    from: day('Give the first day as a date.'),
    to: day('Give the last day as a date.'),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'The last day cannot be before the first day.' });
export type InstallFilter = z.infer<typeof installFilterInput>;

const filterKeys = ['device', 'user', 'product', 'version', 'outcome', 'reportedBy', 'from', 'to'] as const;

/** The filter as query-string parameters (blank ones left out), for page and export links. */
export function filterParams(filter: InstallFilter, extra: Record<string, string | undefined> = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const k of filterKeys) if (filter[k]) params.set(k, filter[k]);
  for (const [k, v] of Object.entries(extra)) if (v) params.set(k, v);
  return params;
}

export const isFiltered = (filter: InstallFilter) => filterKeys.some((k) => filter[k] !== undefined);

/**
 * A page position is the last row's (occurred_at, id). The time is kept as text to the
 * microsecond: a JS Date would drop the last three digits and skip rows that differ only there.
 * It is base64url-encoded so that links treat it as one opaque token.
 */
export interface RecordCursor {
  at: string;
  id: number;
}
const cursorPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)~(\d{1,18})$/;

export function encodeCursor(c: RecordCursor): string {
  return Buffer.from(`${c.at}~${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(token: string): RecordCursor {
  const m = /^[A-Za-z0-9_-]{1,80}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8').match(cursorPattern) : null;
  if (!m) throw new ValidationError('This page link is no longer valid: start again from the newest records.', 'cursor');
  return { at: m[1]!, id: Number(m[2]) };
}
