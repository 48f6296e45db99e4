'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { requestInput } from '@/lib/requests/schema';
import { submitRequest } from '@/lib/requests/submit';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

export async function requestProductAction(slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = requestInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  let id: string;
  try {
    ({ id } = await submitRequest(await requireActor(), input.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/catalogue/${slug}`);
  revalidatePath('/requests');
  redirect(`/requests/${id}`);
}
