'use server';

import { revalidatePath } from 'next/cache';
import { requireActor } from '@/lib/auth/session';
import { ringTemplateInput, saveRingTemplate } from '@/lib/rings/delivery';
import { phasesFromForm } from '@/lib/rings/schema';
import { fromServiceError, fromZodErrorByPath, type ActionState } from '@/app/ui/action-state';

/** A librarian saves the product's first ring (continuous delivery); the service checks the role. */
export async function saveRingTemplateAction(productId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const fields = Object.fromEntries(form);
  const input = ringTemplateInput.safeParse({ ...fields, phases: phasesFromForm(fields) });
  if (!input.success) return fromZodErrorByPath(input.error);
  try {
    await saveRingTemplate(await requireActor(), productId, input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/library/products/${slug}`);
  return { success: 'First ring saved. The pipeline deploys each release it publishes to it.' };
}
