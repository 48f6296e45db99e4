'use server';

import { revalidatePath } from 'next/cache';
import { requireActor } from '@/lib/auth/session';
import { environmentSettingsInput, promotionPathInput, setPromotionPath, updateEnvironment } from '@/lib/deployments/environments';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

export async function updateEnvironmentAction(key: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = environmentSettingsInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await updateEnvironment(await requireActor(), key, input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments/environments');
  return { success: 'Saved.' };
}

/** A product's promotion path from the "Step n" selects, in order; blank steps are dropped. */
export async function setPromotionPathAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = promotionPathInput.safeParse({ environments: form.getAll('step') });
  if (!input.success) return fromZodError(input.error);
  try {
    await setPromotionPath(await requireActor(), String(form.get('productId') ?? ''), input.data.environments);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments/environments');
  return { success: input.data.environments.length ? 'Promotion path saved.' : 'Promotion path cleared: every environment by rank.' };
}
