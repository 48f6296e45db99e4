'use server';

import { revalidatePath } from 'next/cache';
import { requireActor } from '@/lib/auth/session';
import { environmentSettingsInput, updateEnvironment } from '@/lib/deployments/environments';
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
