'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { text } from '@/lib/text';
import { requireActor } from '@/lib/auth/session';
import { markNotificationsRead } from '@/lib/notifications/service';

/** Marks every notification of the signed-in user read. */
export async function markAllNotificationsReadAction(): Promise<void> {
  await markNotificationsRead(await requireActor());
  revalidatePath('/', 'layout');
}

/** Only a path inside the portal: a forged form must not turn this into an open redirect. */
const localPath = text()
  .regex(/^\/(?![/\\])[^\s]*$/)
  .catch('/requests');

/** Marks one notification read and goes to what it is about. */
export async function openNotificationAction(form: FormData): Promise<void> {
  const id = z.uuid().safeParse(form.get('id'));
  if (id.success) await markNotificationsRead(await requireActor(), id.data);
  revalidatePath('/', 'layout');
  redirect(localPath.parse(form.get('link')));
}
