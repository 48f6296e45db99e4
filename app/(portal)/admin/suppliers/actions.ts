'use server';

import { revalidatePath } from 'next/cache';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { addSupplierPerson, createSupplier } from '@/lib/suppliers/admin';
import { createSupplierCredential, revokeSupplierCredential } from '@/lib/suppliers/credentials';
import { credentialInput, supplierInput } from '@/lib/suppliers/schema';

const str = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');
const list = (v: FormDataEntryValue | null) =>
  str(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function createSupplierAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = supplierInput.safeParse({
    name: str(form.get('name')),
    contactEmail: str(form.get('contactEmail')),
    environments: list(form.get('environments')),
    sites: list(form.get('sites')),
    kinds: form.getAll('kinds').map(str),
    deviceIds: form.getAll('deviceIds').map(str),
  });
  if (!input.success) return fromZodError(input.error);
  try {
    await createSupplier(await requireActor(), input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/suppliers');
  return { success: `Supplier ${input.data.name} registered.` };
}

export async function createCredentialAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = credentialInput.safeParse({ name: str(form.get('name')), expiresAt: str(form.get('expiresAt')) });
  if (!input.success) return fromZodError(input.error);
  let secret: string;
  try {
    ({ secret } = await createSupplierCredential(await requireActor(), str(form.get('supplierId')), input.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/suppliers');
  // The secret is in this one answer and nowhere else (the database keeps its hash).
  return { success: `Credential created. Copy it now, it is shown only once: ${secret}` };
}

export async function revokeCredentialAction(_: ActionState, form: FormData): Promise<ActionState> {
  try {
    await revokeSupplierCredential(await requireActor(), str(form.get('credentialId')));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/suppliers');
  return { success: 'Revoked.' };
}

export async function addPersonAction(_: ActionState, form: FormData): Promise<ActionState> {
  try {
    await addSupplierPerson(await requireActor(), str(form.get('supplierId')), str(form.get('email')));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/admin/suppliers');
  return { success: 'Linked; they now sign in with the supplier role.' };
}
