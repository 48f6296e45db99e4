'use server';

import { revalidatePath } from 'next/cache';
import { requireActor } from '@/lib/auth/session';
import { registerDeviceInput } from '@/lib/devices/schema';
import { newEnrolmentCode, registerDevice, renameDevice, retireDevice } from '@/lib/devices/service';
import { AppError } from '@/lib/errors';
import { fieldOf } from '@/lib/pipeline/schema';

/** A code to show once, with when it stops working (ISO, formatted by the page). */
export interface ShownCode {
  deviceId: string;
  hostname: string;
  code: string;
  expiresAt: string;
}

export interface DeviceFormState {
  error?: string;
  success?: string;
  fieldErrors?: Partial<Record<'hostname' | 'platform' | 'serial', string>>;
  /** Present only in the answer that created it: the code is never shown again. */
  shown?: ShownCode;
}

const text = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');

function failed(e: unknown): DeviceFormState {
  if (e instanceof AppError) return { error: e.message, fieldErrors: e.field ? { [e.field]: e.message } : undefined };
  throw e;
}

export async function addDeviceAction(_: DeviceFormState, form: FormData): Promise<DeviceFormState> {
  const actor = await requireActor();
  const parsed = registerDeviceInput.safeParse({ hostname: text(form.get('hostname')), platform: text(form.get('platform')) });
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[fieldOf(issue)] ??= issue.message;
    return {
      error: parsed.error.issues.length === 1 ? parsed.error.issues[0]!.message : 'Please correct the fields marked below.',
      fieldErrors,
    };
  }
  try {
    const { device, enrolment } = await registerDevice(actor, parsed.data);
    revalidatePath('/devices');
    return {
      shown: { deviceId: device.id, hostname: device.hostname, code: enrolment.code, expiresAt: enrolment.expiresAt.toISOString() },
    };
  } catch (e) {
    return failed(e);
  }
}

export async function newCodeAction(_: DeviceFormState, form: FormData): Promise<DeviceFormState> {
  const actor = await requireActor();
  try {
    const id = text(form.get('id'));
    const { code, expiresAt } = await newEnrolmentCode(actor, id);
    revalidatePath('/devices');
    return { shown: { deviceId: id, hostname: text(form.get('hostname')), code, expiresAt: expiresAt.toISOString() } };
  } catch (e) {
    return failed(e);
  }
}

export async function renameDeviceAction(_: DeviceFormState, form: FormData): Promise<DeviceFormState> {
  const actor = await requireActor();
  try {
    const device = await renameDevice(actor, text(form.get('id')), text(form.get('hostname')));
    revalidatePath('/devices');
    return { success: `Renamed to ${device.hostname}.` };
  } catch (e) {
    return failed(e);
  }
}

export async function retireDeviceAction(_: DeviceFormState, form: FormData): Promise<DeviceFormState> {
  const actor = await requireActor();
  try {
    const device = await retireDevice(actor, text(form.get('id')));
    revalidatePath('/devices');
    return { success: `${device.hostname} is retired.` };
  } catch (e) {
    return failed(e);
  }
}
