'use server';

import { revalidatePath } from 'next/cache';
import { retryJobInput } from '@/lib/jobs/schema';
import { retryJob } from '@/lib/jobs/admin';
import { requireActor } from '@/lib/auth/session';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

/** Runs one failed job again (the service checks the admin role and that the job failed). */
export async function retryJobAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = retryJobInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    await retryJob(await requireActor(), input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/jobs');
  return { success: 'Queued to run again.' };
}
