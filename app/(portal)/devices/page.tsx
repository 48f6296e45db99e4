import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { platformLabels } from '@/app/ui/format';
import { platformValues } from '@/db/schema';
import { requireArea } from '@/lib/auth/session';
import { describeServedAgent } from '@/lib/agent-dist/served';
import { listMyDevices, type DeviceView } from '@/lib/devices/service';
import { AgentDownloadPanel } from './agent-download';
import { AddDeviceForm } from './add-device-form';
import { DevicesTable, type DeviceRow } from './devices-table';

export const metadata: Metadata = { title: 'My devices' };

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const when = (d: Date) => `${dateTime.format(d)} UTC`;

/** The address the agent should use: the one this page was reached at (a proxy's forwarded one first). */
async function origin(): Promise<string> {
  const h = await headers();
  const host = h.get('x-forwarded-host')?.split(',')[0]?.trim() || h.get('host') || 'localhost:3000';
  const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim() || 'http';
  return `${proto}://${host}`;
}

function enrolment(d: DeviceView, now: Date): string | null {
  if (d.status !== 'pending') return null;
  if (d.enrolCodeExpiresAt && d.enrolCodeExpiresAt > now) return `Code valid until ${when(d.enrolCodeExpiresAt)}`;
  return 'No valid code: make a new one';
}

export default async function MyDevicesPage() {
  const actor = await requireArea('/devices');
  const [devices, server, served] = await Promise.all([listMyDevices(actor), origin(), describeServedAgent()]);
  const agent = served ? { version: served.version, sha256: served.sha256, url: served.downloadUrl } : null;
  const now = new Date();
  const rows: DeviceRow[] = devices.map((d) => ({
    id: d.id,
    hostname: d.hostname,
    platform: platformLabels[d.platform],
    status: d.status,
    lastSeen: d.lastSeenAt ? when(d.lastSeenAt) : 'never',
    agentVersion: d.agentVersion,
    enrolment: enrolment(d, now),
  }));
  return (
    <div>
      <h1 className="text-2xl font-semibold">My devices</h1>
      <p className="mt-1 max-w-3xl text-slate-600">
        The computers you request software for. Enrol a device’s portal agent and it pulls what is approved for it by itself, and reports
        each download and install; you can still download in the browser from your requests.
      </p>

      <section aria-labelledby="get-agent" className="mt-6 rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="get-agent" className="mb-3 text-lg font-semibold">
          Get the portal agent
        </h2>
        <AgentDownloadPanel origin={server} agent={agent} />
      </section>

      <section aria-labelledby="add-device" className="mt-6 rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="add-device" className="mb-3 text-lg font-semibold">
          Add a device
        </h2>
        <AddDeviceForm platforms={platformValues.map((p) => ({ value: p, label: platformLabels[p] }))} origin={server} agent={agent} />
      </section>

      <section aria-labelledby="devices" className="mt-8">
        <h2 id="devices" className="text-lg font-semibold">
          Devices
        </h2>
        <div className="mt-3">
          {rows.length === 0 ? (
            <p className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-slate-600">
              No devices yet. Add the computer you are using above.
            </p>
          ) : (
            <DevicesTable devices={rows} origin={server} agent={agent} />
          )}
        </div>
      </section>
    </div>
  );
}
