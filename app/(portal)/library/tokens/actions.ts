'use server';

import { revalidatePath } from 'next/cache';
import { requireActor } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { createTokenInput, fieldOf } from '@/lib/pipeline/schema';
import { createApiToken, revokeApiToken } from '@/lib/pipeline/tokens';

export interface CreateTokenState {
  error?: string;
  fieldErrors?: Partial<Record<'name' | 'productIds' | 'expiresAt', string>>;
  /** The new token: its secret is in this one answer and nowhere else. */
  created?: { name: string; secret: string };
}

const text = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');

export async function createTokenAction(_: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const actor = await requireActor();
  const parsed = createTokenInput.safeParse({
    name: text(form.get('name')),
    productIds: form.getAll('productIds').map(text),
    expiresAt: text(form.get('expiresAt')),
  });
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    // 'productIds.3' and 'productIds' are the same field on the form.
    for (const issue of parsed.error.issues) fieldErrors[fieldOf(issue).split('.')[0]!] ??= issue.message;
    return { error: 'Please correct the fields marked below.', fieldErrors };
  }
  try {
    // The service checks the role and validates again: the action is only a transport.
    const { token, secret } = await createApiToken(actor, parsed.data);
    revalidatePath('/library/tokens');
    return { created: { name: token.name, secret } };
  } catch (e) {
    if (e instanceof AppError) return { error: e.message, fieldErrors: e.field ? { [e.field]: e.message } : undefined };
    throw e;
  }
}

export async function revokeTokenAction(_: { error?: string }, form: FormData): Promise<{ error?: string }> {
  const actor = await requireActor();
  try {
    await revokeApiToken(actor, text(form.get('id')));
  } catch (e) {
    if (e instanceof AppError) return { error: e.message };
    throw e;
  }
  revalidatePath('/library/tokens');
  return {};
}
