import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/app/ui/action-form';
import { cellClass, Table } from '@/app/ui/table';
import { requireArea } from '@/lib/auth/session';
import { listExposure } from '@/lib/trust/exposure';
import { proposeFixAction, withdrawAffectedAction } from './actions';
import { StatusBadge, type BadgeTone } from '@/app/ui/status-badge';

export const metadata: Metadata = { title: 'Vulnerable versions on devices' };
export const dynamic = 'force-dynamic';

const severityTone: Record<string, BadgeTone> = {
  critical: 'critical',
  high: 'danger',
  medium: 'warning',
  low: 'neutral',
  unknown: 'neutral',
};

/**
 * Devices whose current install (the ledger's current state) is a release an imported advisory
 * affects, with one-click proposals: a required deployment of the fixed release to exactly those
 * devices (a draft, through the deployment flow), or withdrawing the release.
 */
export default async function DeskAdvisoriesPage() {
  const actor = await requireArea('/desk');
  const rows = await listExposure(actor);
  return (
    <div>
      <nav className="text-sm text-slate-500">
        <Link href="/desk" className="hover:underline">
          Service desk
        </Link>{' '}
        / Vulnerable versions
      </nav>
      <h1 className="mt-3 text-2xl font-semibold">Devices running versions with known vulnerabilities</h1>
      <div className="mt-4">
        <Table
          label="Affected releases on devices"
          head={['Advisory', 'Severity', 'Release on devices', 'Fixed in', 'Devices', 'Proposals']}
          empty={rows.length === 0 && 'No device runs a version an imported advisory affects.'}
        >
          {rows.map((r) => (
            <tr key={`${r.advisoryId}-${r.releaseId}`} className="border-b border-slate-100" data-testid={`exposure-${r.advisoryId}`}>
              <td className={cellClass}>
                <span className="font-medium">{r.advisoryId}</span>
                <span className="block text-xs text-slate-600">{r.summary}</span>
              </td>
              <td className={cellClass}>
                <StatusBadge tone={severityTone[r.severity] ?? 'neutral'}>{r.severity}</StatusBadge>
              </td>
              <td className={cellClass}>
                {r.product} {r.version}
                <span className="block text-xs text-slate-600">via {r.via}</span>
              </td>
              <td className={cellClass}>
                {r.fixedIn ?? '—'}
                {r.fixedRelease && <span className="block text-xs text-slate-600">deploy {r.fixedRelease.version}</span>}
              </td>
              <td className={cellClass}>
                <details>
                  <summary className="cursor-pointer">{r.devices.length} devices</summary>
                  <ul className="mt-1 text-xs">
                    {r.devices.map((d) => (
                      <li key={d.id}>
                        <Link href={`/desk/devices/${d.id}`} className="text-indigo-700 hover:underline">
                          {d.hostname}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </details>
              </td>
              <td className={`${cellClass} space-y-2`}>
                {r.fixedRelease && (
                  <ActionForm
                    action={proposeFixAction.bind(null, r.advisoryId, r.releaseId)}
                    submitLabel={`Propose required deployment of ${r.fixedRelease.version}`}
                  />
                )}
                <ActionForm
                  action={withdrawAffectedAction.bind(null, r.advisoryId, r.releaseId)}
                  submitLabel={`Withdraw ${r.version}`}
                  danger
                />
              </td>
            </tr>
          ))}
        </Table>
      </div>
    </div>
  );
}
