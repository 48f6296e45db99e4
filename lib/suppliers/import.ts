import { createHash } from 'node:crypto';
import { getDb } from '@/db';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, ForbiddenError, LineErrors, ValidationError } from '@/lib/errors';
import { reportDeployments, type ReportResult } from './report';
import { reportItem } from './schema';
import { resolveItems, supplierOfUser, type SupplierPrincipal } from './scope';

export const IMPORT_COLUMNS = ['item', 'component', 'version', 'status', 'occurredAt', 'sha256', 'evidence', 'changeRef'] as const;
const MAX_LINES = 5000;

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else cell += c;
  }
  if (cell !== '' || row.length) endRow();
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

/**
 * Records a file of past deployments: every line is checked (fields, then scope) and if any line
 * is wrong the whole file is refused with every line's error; otherwise all lines are recorded
 * in one transaction. Importing the same file again records nothing twice (keys from its hash).
 */
async function importFor(p: SupplierPrincipal, csv: string): Promise<ReportResult[]> {
  const rows = parseCsv(csv.replace(/^\uFEFF/, ''));
  const header = rows.shift()?.map((h) => h.trim());
  if (!header || !['item', 'version', 'status'].every((c) => header.includes(c)))
    throw new ValidationError(`The first line must name the columns: ${IMPORT_COLUMNS.join(',')}.`, 'file');
  if (rows.length === 0) throw new ValidationError('The file has no lines after its header.', 'file');
  if (rows.length > MAX_LINES) throw new ValidationError(`At most ${MAX_LINES} lines per file.`, 'file');
  const fileKey = createHash('sha256').update(csv).digest('hex').slice(0, 32);
  const errors: { line: number; field: string; message: string }[] = [];
  const reports = [];
  for (const [i, cells] of rows.entries()) {
    const line = i + 2;
    const raw = Object.fromEntries(header.map((h, j) => [h, cells[j]?.trim() || undefined]));
    const parsed = reportItem.safeParse({ ...raw, idempotencyKey: `import:${fileKey}#${line}` });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ line, field: String(issue.path[0] ?? 'line'), message: issue.message });
      continue;
    }
    if (!parsed.data.component) errors.push({ line, field: 'component', message: 'Say what was deployed (component).' });
    if (!parsed.data.occurredAt) errors.push({ line, field: 'occurredAt', message: 'Give when it happened (occurredAt).' });
    try {
      await resolveItems(getDb(), p.supplierId, [parsed.data.item], 'item');
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      errors.push({ line, field: 'item', message: e.message });
    }
    reports.push(parsed.data);
  }
  if (errors.length) throw new LineErrors(`The file was not imported: ${errors.length} error(s); fix them and send it again.`, errors);
  return reportDeployments(p, { reports }, 'import');
}

/** A supplier's person imports its own past work. */
export async function importAsSupplier(actor: Actor, csv: string): Promise<ReportResult[]> {
  return importFor(await supplierOfUser(getDb(), actor), csv);
}

/** The API: a supplier credential imports. */
export const importWithCredential = importFor;

/** A librarian records a supplier's past work for it, within that supplier's scope. */
export async function importForSupplier(actor: Actor, supplierId: string, csv: string): Promise<ReportResult[]> {
  assertRole(actor, 'librarian', 'admin');
  assertId(supplierId, 'No such supplier.', 'supplierId');
  return importFor({ supplierId, tokenId: null, userId: actor.id }, csv);
}
