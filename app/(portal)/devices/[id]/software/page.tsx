import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime, platformLabels } from '@/app/ui/format';
import { orNotFound } from '@/app/ui/or-not-found';
import type { Platform } from '@/db/schema';
import { requireArea } from '@/lib/auth/session';
import { getMySoftware, type InstalledSoftware } from '@/lib/deployments/my-software';
import { AssignmentActions } from './assignment-actions';
import type { DeviceRemoval } from '@/lib/removals/queries';
import { RemovalCell } from './removal-cell';
import { FailedSection, UpdatesSection, WaitingSection } from './status-sections';

export const metadata: Metadata = { title: 'My software' };
export const dynamic = 'force-dynamic';

const when = (iso: string | null) => (iso ? formatDateTime(new Date(iso)) : '—');
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function Source({ s }: { s: InstalledSoftware['source'] }) {
  if (s.kind === 'request')
    return (
      <Link href={`/requests/${s.id}`} className="text-indigo-700 hover:underline">
        your request
      </Link>
    );
  if (s.kind === 'deployment') return <span>deployment “{s.name}”</span>;
  return <span className="text-amber-800">not planned by a request or deployment</span>;
}

/** One device's software for its owner: installed (from the ledger), and what deployments assign to it. */
export default async function MySoftwarePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireArea('/devices');
  const { id } = await params;
  const sw = await orNotFound(getMySoftware(actor, id));
  const now = new Date();
  const openRemoval = new Map(sw.removals.filter((r) => r.status === 'pending' || r.status === 'failed').map((r) => [r.productSlug, r]));
  const canRemove = sw.device.status === 'active';
  return (
    <div>
      <p className="text-sm">
        <Link href="/devices" className="text-indigo-700 hover:underline">
          ← My devices
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold">Software on {sw.device.hostname}</h1>
      <p className="mt-1 text-slate-600">{platformLabels[sw.device.platform as Platform] ?? sw.device.platform}</p>

      <UpdatesSection sw={sw} />
      <WaitingSection sw={sw} />
      <FailedSection sw={sw} />

      <section aria-labelledby="assigned" className="mt-6">
        <h2 id="assigned" className="text-lg font-semibold">
          Assigned to this device
        </h2>
        {sw.assigned.length === 0 ? (
          <p className="mt-2 text-slate-600">No deployment assigns anything to this device now.</p>
        ) : (
          <table className="mt-3 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="assigned-table">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th className="px-4 py-2">Software</th>
                <th className="px-4 py-2">Kind</th>
                <th className="px-4 py-2">Deadline</th>
                <th className="px-4 py-2">Schedule</th>
                <th className="px-4 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sw.assigned.map((a) => {
                const deadlinePassed = a.deadline !== null && new Date(a.deadline) <= now;
                return (
                  <tr key={a.deploymentId} className="border-t border-slate-100 align-top" data-testid="assigned-row">
                    <td className="px-4 py-3">
                      <div className="font-medium">
                        {a.product.name} {a.release.version}
                      </div>
                      <div className="text-xs text-slate-500">{a.name}</div>
                    </td>
                    <td className="px-4 py-3">{a.intent === 'required' ? 'Required' : 'Available'}</td>
                    <td className="whitespace-nowrap px-4 py-3">{when(a.deadline)}</td>
                    <td className="px-4 py-3 text-xs text-slate-600">
                      {new Date(a.availableFrom) > now && <div>from {when(a.availableFrom)}</div>}
                      {a.window && (
                        <div>
                          window {hhmm(a.window.startMinute)}–{hhmm(a.window.endMinute)} {a.window.timeZone}
                        </div>
                      )}
                      {a.cutoverAt && <div>cut-over {when(a.cutoverAt)}</div>}
                      {a.postponedUntil && new Date(a.postponedUntil) > now && <div>postponed until {when(a.postponedUntil)}</div>}
                      {!a.artifact && <div className="text-amber-800">no build for this platform</div>}
                    </td>
                    <td className="px-4 py-3">
                      <AssignmentActions
                        deviceId={sw.device.id}
                        deploymentId={a.deploymentId}
                        intent={a.intent}
                        claimed={a.entitlementId !== null}
                        latest={a.deadline ? a.deadline.slice(0, 16) : null}
                        deadlinePassed={deadlinePassed}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="installed" className="mt-8">
        <h2 id="installed" className="text-lg font-semibold">
          Installed
        </h2>
        {sw.installed.length === 0 ? (
          <p className="mt-2 text-slate-600">The portal has no record of an install on this device yet.</p>
        ) : (
          <table className="mt-3 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="installed-table">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th className="px-4 py-2">Software</th>
                <th className="px-4 py-2">Version</th>
                <th className="hidden px-4 py-2 sm:table-cell">Since</th>
                <th className="hidden px-4 py-2 sm:table-cell">From</th>
                <th className="px-4 py-2">Removal</th>
              </tr>
            </thead>
            <tbody>
              {sw.installed.map((i) => (
                <tr key={i.product.slug} className="border-t border-slate-100">
                  <td className="px-4 py-3">
                    <div className="font-medium">{i.product.name}</div>
                    <div className="text-xs text-slate-600 sm:hidden">since {formatDateTime(i.since)}</div>
                  </td>
                  {/* Long build numbers (Teams: 25182.1106.3775.9020) may break, so the table fits a phone. */}
                  <td className="break-all px-4 py-3 font-mono text-xs">{i.version}</td>
                  <td className="hidden whitespace-nowrap px-4 py-3 sm:table-cell">{formatDateTime(i.since)}</td>
                  <td className="hidden px-4 py-3 sm:table-cell">
                    <Source s={i.source} />
                  </td>
                  <td className="px-4 py-3" data-testid="removal-cell">
                    <RemovalCell
                      deviceId={sw.device.id}
                      removal={openRemoval.get(i.product.slug)}
                      product={i.product}
                      canRemove={canRemove}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {sw.removals.length > 0 && (
        <section aria-labelledby="removals" className="mt-8">
          <h2 id="removals" className="text-lg font-semibold">
            Removals
          </h2>
          <ul className="mt-3 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm" data-testid="removals-list">
            {sw.removals.map((r) => (
              <li key={r.id} className="px-4 py-3" data-testid="removal-row">
                <span className="font-medium">
                  {r.productName} {r.version}
                </span>
                : {removalLabels[r.status]}
                {r.endedAt ? `, ${formatDateTime(r.endedAt)}` : `, asked ${formatDateTime(r.createdAt)}`}
                {r.reason && <span className="text-slate-600"> — “{r.reason}”</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

const removalLabels: Record<DeviceRemoval['status'], string> = {
  pending: 'removal requested, waiting for the agent’s next sync',
  failed: 'removal failed',
  done: 'removed (reported by the agent)',
  cancelled: 'removal cancelled',
};
