'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { targetInput, targetRules } from '@/lib/deployments/schema';
import { createTarget, previewTarget, setTargetArchived, updateTarget, type TargetPreview } from '@/lib/deployments/targets';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

const split = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);

/** Rules from the form: checkboxes repeat a name; countries and device ids are typed as lists. */
function rulesOf(form: FormData) {
  return {
    groupIds: form.getAll('groupIds'),
    platforms: form.getAll('platforms'),
    environments: form.getAll('environments'),
    sites: form.getAll('sites'),
    kinds: form.getAll('kinds'),
    countries: split(form.get('countries')),
    deviceIds: split(form.get('deviceIds')),
  };
}

export async function previewTargetAction(form: FormData): Promise<{ preview?: TargetPreview; state?: ActionState }> {
  const rules = targetRules.safeParse(rulesOf(form));
  if (!rules.success) return { state: fromZodError(rules.error) };
  try {
    return { preview: await previewTarget(await requireActor(), rules.data) };
  } catch (e) {
    return { state: fromServiceError(e) };
  }
}

function parse(form: FormData) {
  return targetInput.safeParse({ name: form.get('name'), description: form.get('description') ?? '', rules: rulesOf(form) });
}

export async function createTargetAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = parse(form);
  if (!input.success) return fromZodError(input.error);
  try {
    await createTarget(await requireActor(), input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments/targets');
  redirect('/deployments/targets');
}

export async function updateTargetAction(id: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = parse(form);
  if (!input.success) return fromZodError(input.error);
  try {
    await updateTarget(await requireActor(), id, input.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments/targets');
  redirect('/deployments/targets');
}

export async function archiveTargetAction(id: string, archived: boolean): Promise<ActionState> {
  try {
    await setTargetArchived(await requireActor(), id, archived);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath('/deployments/targets');
  return { success: archived ? 'Archived.' : 'Restored.' };
}
