'use server';

import { revalidatePath } from 'next/cache';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { importAsSupplier } from '@/lib/suppliers/import';
import { announceAsPerson, reportAsPerson } from '@/lib/suppliers/page-service';
import { announceInput, reportInput } from '@/lib/suppliers/schema';
import { csvOf, importAnswer } from './csv-import';

const str = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v.trim() : '');
/** datetime-local fields are labelled UTC. */
const utc = (v: string) => (v && !/[zZ]|[+-]\d\d:\d\d$/.test(v) ? `${v.length === 16 ? `${v}:00` : v}Z` : v);
const optional = (v: string) => v || undefined;

export async function announceAction(_: ActionState, form: FormData): Promise<ActionState> {
  const input = announceInput.safeParse({
    component: str(form.get('component')),
    version: str(form.get('version')),
    items: form.getAll('items').map(str).filter(Boolean),
    windowStart: utc(str(form.get('windowStart'))),
    windowEnd: utc(str(form.get('windowEnd'))),
    changeRef: optional(str(form.get('changeRef'))),
  });
  if (!input.success) return fromZodError(input.error);
  try {
    const a = await announceAsPerson(await requireActor(), input.data);
    revalidatePath('/supplier');
    return { success: `Announced ${a.component} ${a.version} on ${a.items.map((i) => i.hostname).join(', ')}.` };
  } catch (e) {
    return fromServiceError(e);
  }
}

export async function reportAction(_: ActionState, form: FormData): Promise<ActionState> {
  const items = form.getAll('items').map(str).filter(Boolean);
  const input = reportInput.safeParse({
    component: str(form.get('component')),
    changeRef: optional(str(form.get('changeRef'))),
    reports: items.map((item) => ({
      item,
      status: str(form.get('status')),
      version: str(form.get('version')),
      sha256: optional(str(form.get('sha256'))),
      evidence: optional(str(form.get('evidence'))),
    })),
  });
  if (!input.success) return fromZodError(input.error);
  try {
    const results = await reportAsPerson(await requireActor(), input.data);
    revalidatePath('/supplier');
    const flagged = results.filter((r) => r.unauthorised).length;
    return { success: `Recorded ${results.length} report(s)${flagged ? `; ${flagged} flagged as unauthorised change` : ''}.` };
  } catch (e) {
    return fromServiceError(e);
  }
}

export async function importAction(_: ActionState, form: FormData): Promise<ActionState> {
  const csv = await csvOf(form);
  const actor = await requireActor();
  const answer = await importAnswer(() => importAsSupplier(actor, csv));
  if (answer.success) revalidatePath('/supplier');
  return answer;
}
