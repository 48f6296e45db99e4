'use server';

import { revalidatePath } from 'next/cache';
import { fromServiceError, type ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { importAdvisories } from '@/lib/trust/advisories';

/** Batch import of OSV JSON files (each one record or a list of records). */
export async function importAdvisoriesAction(_: ActionState, form: FormData): Promise<ActionState> {
  const files = form.getAll('files').filter((f): f is File => f instanceof File && f.size > 0);
  let imported;
  try {
    if (files.length === 0) throw new ValidationError('Choose at least one OSV JSON file.', 'files');
    imported = await importAdvisories(
      await requireActor(),
      await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))),
    );
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/advisories');
  revalidatePath('/desk/advisories');
  return { success: `Imported ${imported.imported} advisories.` };
}
