'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
import { inputClass } from '@/app/ui/form';
import { newCodeAction, renameDeviceAction, retireDeviceAction, type DeviceFormState } from './actions';
import type { AgentDownload } from './agent-commands';
import { EnrolmentCodePanel } from './enrolment-code';
import { deviceStatusTones, StatusBadge } from '@/app/ui/status-badge';
import { Table } from '@/app/ui/table';

export interface DeviceRow {
  id: string;
  hostname: string;
  platform: string;
  status: 'pending' | 'active' | 'retired' | 'revoked';
  lastSeen: string;
  agentVersion: string | null;
  /** For a pending device: until when its last code works, or that it has run out. */
  enrolment: string | null;
}

const statusLabels: Record<DeviceRow['status'], string> = {
  active: 'active',
  pending: 'waiting to enrol',
  retired: 'retired',
  revoked: 'revoked',
};
const small = 'whitespace-nowrap rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-60';

function Row({ d, origin, agent }: { d: DeviceRow; origin: string; agent: AgentDownload }) {
  const [mode, setMode] = useState<'idle' | 'rename' | 'retire'>('idle');
  const [code, askCode, coding] = useActionState<DeviceFormState, FormData>(newCodeAction, {});
  const [renamed, rename, renaming] = useActionState<DeviceFormState, FormData>(async (prev, form) => {
    const next = await renameDeviceAction(prev, form);
    if (!next.error) setMode('idle');
    return next;
  }, {});
  const [retired, retire, retiring] = useActionState<DeviceFormState, FormData>(retireDeviceAction, {});
  const live = d.status === 'pending' || d.status === 'active';
  const error = [code, renamed, retired].find((s) => s.error)?.error;
  const success = !error && mode === 'idle' ? renamed.success : undefined;
  return (
    <tbody className="border-t border-slate-100">
      <tr className="align-top" data-testid="device-row">
        <td className="break-all px-4 py-3 font-medium sm:whitespace-nowrap sm:break-normal">
          {d.hostname}
          {/* On a phone status, platform and last contact sit under the name instead of in columns off-screen. */}
          <div className="text-xs font-normal text-slate-600 sm:hidden">
            {statusLabels[d.status]} · {d.platform} · seen {d.lastSeen}
            {d.enrolment && <div>{d.enrolment}</div>}
          </div>
        </td>
        <td className="hidden px-4 py-3 sm:table-cell">{d.platform}</td>
        <td className="hidden px-4 py-3 sm:table-cell">
          <StatusBadge tone={deviceStatusTones[d.status]}>{statusLabels[d.status]}</StatusBadge>
          {d.enrolment && <div className="mt-1 text-xs text-slate-500">{d.enrolment}</div>}
        </td>
        <td className="hidden whitespace-nowrap px-4 py-3 sm:table-cell">{d.lastSeen}</td>
        <td className="hidden px-4 py-3 font-mono text-xs sm:table-cell">{d.agentVersion ?? '—'}</td>
        <td className="px-4 py-3">
          {live && mode === 'idle' && (
            <div className="flex flex-col items-end gap-2 sm:flex-row sm:justify-end">
              {d.status === 'active' && (
                <Link href={`/devices/${d.id}/software`} className={small}>
                  Software
                </Link>
              )}
              {d.status === 'pending' && (
                <form action={askCode}>
                  <input type="hidden" name="id" value={d.id} />
                  <input type="hidden" name="hostname" value={d.hostname} />
                  <button type="submit" disabled={coding} className={small}>
                    {coding ? 'Creating…' : 'New code'}
                  </button>
                </form>
              )}
              <button type="button" onClick={() => setMode('rename')} className={small}>
                Rename
              </button>
              <button type="button" onClick={() => setMode('retire')} className={`${small} text-red-700`}>
                Retire
              </button>
            </div>
          )}
        </td>
      </tr>
      {mode === 'rename' && (
        <tr>
          <td colSpan={6} className="px-4 pb-3">
            <form action={rename} className="flex flex-wrap items-end gap-2 text-sm">
              <input type="hidden" name="id" value={d.id} />
              <label htmlFor={`rename-${d.id}`} className="sr-only">
                New name for {d.hostname}
              </label>
              <input
                id={`rename-${d.id}`}
                name="hostname"
                defaultValue={d.hostname}
                maxLength={63}
                className={`${inputClass} mt-0 max-w-xs`}
              />
              <button
                type="submit"
                disabled={renaming}
                className="rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-500"
              >
                {renaming ? 'Saving…' : 'Save name'}
              </button>
              <button
                type="button"
                onClick={() => setMode('idle')}
                className="rounded-md border border-slate-300 px-3 py-2 font-medium hover:bg-slate-50"
              >
                Cancel
              </button>
            </form>
          </td>
        </tr>
      )}
      {mode === 'retire' && live && (
        <tr>
          <td colSpan={6} className="px-4 pb-3">
            <form action={retire} className="flex flex-wrap items-center gap-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
              <input type="hidden" name="id" value={d.id} />
              <span>Retire {d.hostname}? Its agent stops at once, its software entitlements end and it cannot be used again.</span>
              <button type="submit" disabled={retiring} className="rounded-md bg-red-600 px-3 py-1 font-medium text-white hover:bg-red-500">
                {retiring ? 'Retiring…' : 'Yes, retire'}
              </button>
              <button
                type="button"
                onClick={() => setMode('idle')}
                className="rounded-md border border-red-300 bg-white px-3 py-1 font-medium"
              >
                Cancel
              </button>
            </form>
          </td>
        </tr>
      )}
      {(code.shown || error || success) && (
        <tr>
          <td colSpan={6} className="px-4 pb-3">
            {code.shown && d.status === 'pending' && <EnrolmentCodePanel shown={code.shown} origin={origin} agent={agent} />}
            {error && (
              <p role="alert" className="text-sm text-red-700">
                {error}
              </p>
            )}
            {success && (
              <p role="status" className="text-sm text-emerald-800">
                {success}
              </p>
            )}
          </td>
        </tr>
      )}
    </tbody>
  );
}

export function DevicesTable({ devices, origin, agent }: { devices: DeviceRow[]; origin: string; agent: AgentDownload }) {
  return (
    <Table
      label="My devices"
      rowGroups
      head={['Name', 'Platform', 'Status', 'Last seen', 'Agent', ''].map((label, i) => ({
        label,
        className: [1, 2, 3, 4].includes(i) ? 'hidden sm:table-cell' : '',
      }))}
    >
      {devices.map((d) => (
        <Row key={d.id} d={d} origin={origin} agent={agent} />
      ))}
    </Table>
  );
}
