'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { z } from 'zod';
import { ALT_TEXT_MAX, productInput } from '@/lib/catalogue/product-schema';
import { addScreenshot, moveScreenshot, removeScreenshot } from '@/lib/catalogue/screenshots';
import { text } from '@/lib/text';
import { createProduct, setProductIcon, updateProduct } from '@/lib/catalogue/products';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

function parseProductForm(form: FormData) {
  let policy: unknown = [];
  try {
    policy = JSON.parse(String(form.get('policy') ?? '[]'));
  } catch {
    policy = null; // zod reports it against the "policy" field
  }
  return productInput.safeParse({ ...Object.fromEntries(form), groupIds: form.getAll('groupIds'), policy });
}

export async function createProductAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = parseProductForm(form);
  if (!input.success) return fromZodError(input.error);
  let slug: string;
  try {
    ({ slug } = await createProduct(await requireActor(), input.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/library');
  redirect(`/library/products/${slug}`);
}

export async function updateProductAction(productId: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = parseProductForm(form);
  if (!input.success) return fromZodError(input.error);
  let slug: string;
  try {
    ({ slug } = await updateProduct(await requireActor(), productId, input.data));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/library');
  redirect(`/library/products/${slug}`);
}

export async function uploadIconAction(productId: string, _: ActionState, form: FormData): Promise<ActionState> {
  const file = form.get('icon');
  if (!(file instanceof File) || file.size === 0)
    return { error: 'Choose an image file.', fieldErrors: { icon: ['Choose an image file.'] } };
  try {
    await setProductIcon(await requireActor(), productId, new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/library', 'layout');
  revalidatePath('/catalogue', 'layout');
  return { success: 'Icon updated.' };
}

const screenshotInput = z.object({
  altText: text().max(ALT_TEXT_MAX, `Keep the description under ${ALT_TEXT_MAX} characters.`),
});

export async function addScreenshotAction(productId: string, _: ActionState, form: FormData): Promise<ActionState> {
  const file = form.get('screenshot');
  if (!(file instanceof File) || file.size === 0)
    return { error: 'Choose an image file.', fieldErrors: { screenshot: ['Choose an image file.'] } };
  const input = screenshotInput.safeParse({ altText: form.get('altText') ?? '' });
  if (!input.success) return fromZodError(input.error);
  try {
    await addScreenshot(await requireActor(), productId, new Uint8Array(await file.arrayBuffer()), input.data.altText);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/library', 'layout');
  revalidatePath('/catalogue', 'layout');
  return { success: 'Screenshot added.' };
}

const screenshotChange = z.object({ screenshotId: text(), op: z.enum(['up', 'down', 'remove']) });

/** Moves or removes one screenshot (the button pressed names the operation). */
export async function changeScreenshotAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = screenshotChange.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  try {
    const actor = await requireActor();
    const { screenshotId, op } = input.data;
    if (op === 'remove') await removeScreenshot(actor, screenshotId);
    else await moveScreenshot(actor, screenshotId, op);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/library', 'layout');
  revalidatePath('/catalogue', 'layout');
  return { success: input.data.op === 'remove' ? 'Screenshot removed.' : 'Screenshot moved.' };
}
