import { fromServiceError, type ActionState } from '@/app/ui/action-state';
import { LineErrors } from '@/lib/errors';

/** The CSV of an import form: the chosen file, or else the pasted text. */
export async function csvOf(form: FormData): Promise<string> {
  const file = form.get('file');
  if (file instanceof File && file.size > 0) return file.text();
  const pasted = form.get('csv');
  return typeof pasted === 'string' ? pasted.trim() : '';
}

/** Runs an import and answers the form: the count, or every bad line named (nothing was kept). */
export async function importAnswer(run: () => Promise<unknown[]>): Promise<ActionState> {
  try {
    const results = await run();
    return { success: `Imported ${results.length} line(s).` };
  } catch (e) {
    if (e instanceof LineErrors)
      return { error: e.message, fieldErrors: Object.fromEntries(e.lines.map((l) => [`Line ${l.line}, ${l.field}`, [l.message]])) };
    return fromServiceError(e);
  }
}
