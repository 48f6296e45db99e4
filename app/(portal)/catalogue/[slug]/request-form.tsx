'use client';

import { startTransition, useActionState, useState } from 'react';
import type { Platform } from '@/db/schema';
import { Field, FormError, inputClass, submitKeepingInput, summaryOf } from '@/app/ui/form';
import { platformLabels } from '@/app/ui/format';
import { requestProductAction } from './actions';

export interface FormRelease {
  id: string;
  version: string;
  platforms: Platform[];
}

export interface FormDevice {
  id: string;
  hostname: string;
  platform: Platform;
  pending: boolean;
}

/**
 * Asks for a product for one of the requester's devices. Devices the chosen release has no build
 * for are shown but cannot be picked, so the choice explains itself.
 */
export function RequestForm({
  productId,
  slug,
  current,
  releases,
  devices,
}: {
  productId: string;
  slug: string;
  current: FormRelease;
  releases: FormRelease[];
  devices: FormDevice[];
}) {
  const [state, action, pending] = useActionState(requestProductAction.bind(null, slug), {});
  const [releaseId, setReleaseId] = useState('current');
  const release = releases.find((r) => r.id === releaseId) ?? current;
  const fits = (d: FormDevice) => release.platforms.includes(d.platform);
  const firstFit = devices.find(fits);
  const errors = state.fieldErrors ?? {};
  const summary = summaryOf(state, ['releaseId', 'deviceId', 'justification']);

  return (
    <form onSubmit={submitKeepingInput(action, startTransition)} noValidate className="space-y-3" aria-label="Request this product">
      <FormError state={summary} />
      <input type="hidden" name="productId" value={productId} />
      <Field label="Version" name="releaseId" error={errors.releaseId?.[0]}>
        <select id="releaseId" name="releaseId" className={inputClass} value={releaseId} onChange={(e) => setReleaseId(e.target.value)}>
          <option value="current">Current release (recommended)</option>
          {releases.map((r) => (
            <option key={r.id} value={r.id}>
              {r.version}
              {r.version === current.version ? ' (current)' : ''}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Device"
        name="deviceId"
        error={errors.deviceId?.[0]}
        hint={firstFit ? undefined : `Version ${release.version} has no build for any of your devices.`}
      >
        <select
          // A new release choice re-picks the first device it fits.
          key={release.id}
          id="deviceId"
          name="deviceId"
          className={inputClass}
          defaultValue={firstFit?.id ?? ''}
        >
          {!firstFit && <option value="">No suitable device</option>}
          {devices.map((d) => (
            <option key={d.id} value={d.id} disabled={!fits(d)}>
              {d.hostname} · {platformLabels[d.platform]}
              {d.pending ? ' (enrolling)' : ''}
              {fits(d) ? '' : ' — no build'}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Why do you need it?" name="justification" error={errors.justification?.[0]} hint="Your approvers read this.">
        <textarea
          id="justification"
          name="justification"
          rows={4}
          maxLength={2000}
          className={inputClass}
          placeholder="e.g. I build the payments service and need it for local testing."
        />
      </Field>
      <button
        type="submit"
        disabled={pending || !firstFit}
        className="w-full rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Submitting…' : 'Submit request'}
      </button>
    </form>
  );
}
