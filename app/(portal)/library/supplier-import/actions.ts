'use server';

import { revalidatePath } from 'next/cache';
import type { ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { importForSupplier } from '@/lib/suppliers/import';
import { csvOf, importAnswer } from '../../supplier/csv-import';

export async function importForSupplierAction(_: ActionState, form: FormData): Promise<ActionState> {
  const supplierId = form.get('supplierId');
  if (typeof supplierId !== 'string' || !supplierId)
    return { error: 'Choose a supplier.', fieldErrors: { supplierId: ['Choose a supplier.'] } };
  const csv = await csvOf(form);
  const actor = await requireActor();
  const answer = await importAnswer(() => importForSupplier(actor, supplierId, csv));
  if (answer.success) revalidatePath('/desk');
  return answer;
}
