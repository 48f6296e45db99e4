'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { text } from '@/lib/text';
import { requireActor } from '@/lib/auth/session';
import { revokeDevice } from '@/lib/devices/service';
import { placementInput, setDevicePlacement } from '@/lib/devices/placement';
import { reassignDevice, reassignInput } from '@/lib/devices/reassign';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

const input = z.object({
  reason: text().trim().min(1, 'Give the reason for revoking.').max(2000, 'The reason is at most 2,000 characters.'),
});

/** The service checks the role and records the audit event; this only parses and reports. */
export async function revokeDeviceAction(deviceId: string, _: ActionState, form: FormData): Promise<ActionState> {
  const parsed = input.safeParse({ reason: form.get('reason') ?? '' });
  if (!parsed.success) return fromZodError(parsed.error);
  try {
    await revokeDevice(await requireActor(), deviceId, parsed.data.reason);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/desk/devices/${deviceId}`);
  return { success: 'Device revoked: its token no longer works and nothing more can be pulled for it.' };
}

/** Kind, site, country and environment from the placement form; the service re-checks the role. */
export async function placeDeviceAction(deviceId: string, _: ActionState, form: FormData): Promise<ActionState> {
  const parsed = placementInput.safeParse(Object.fromEntries(form));
  if (!parsed.success) return fromZodError(parsed.error);
  try {
    await setDevicePlacement(await requireActor(), deviceId, parsed.data);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/desk/devices/${deviceId}`);
  return { success: 'Placement saved.' };
}

/** Gives the device a new owner (the desk's answer to a device left ownerless by a deactivation). */
export async function reassignDeviceAction(deviceId: string, _: ActionState, form: FormData): Promise<ActionState> {
  const parsed = reassignInput.safeParse({ ownerEmail: form.get('ownerEmail') ?? '' });
  if (!parsed.success) return fromZodError(parsed.error);
  try {
    await reassignDevice(await requireActor(), deviceId, parsed.data.ownerEmail);
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/desk/devices/${deviceId}`);
  return { success: 'The device has a new owner.' };
}
