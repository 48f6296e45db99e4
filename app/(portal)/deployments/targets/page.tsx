import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { listTargets } from '@/lib/deployments/targets';
import type { TargetRules } from '@/db/schema';
import { cellClass, Table } from '@/app/ui/table';
import { DeploymentsNav } from '../sub-nav';
import { ArchiveButton } from './archive-button';

export const metadata: Metadata = { title: 'Targets' };

function describeRules(r: TargetRules): string {
  const parts = [
    r.groupIds?.length && `${r.groupIds.length} group(s)`,
    r.platforms?.length && r.platforms.join(' / '),
    r.environments?.length && r.environments.join(' / '),
    r.kinds?.length && r.kinds.join(' / '),
    r.sites?.length && r.sites.join(' / '),
    r.countries?.length && r.countries.join(' / '),
  ].filter(Boolean);
  const extra = r.deviceIds?.length ? ` + ${r.deviceIds.length} device(s)` : '';
  return (parts.join(' and ') || 'no rules') + extra;
}

export default async function TargetsPage() {
  const actor = await requireArea('/deployments');
  const rows = await listTargets(actor, { includeArchived: true });
  return (
    <div>
      <DeploymentsNav current="/deployments/targets" />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Targets</h1>
          <p className="mt-1 text-slate-600">Named device collections, resolved live from their rules.</p>
        </div>
        <Link
          href="/deployments/targets/new"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          New target
        </Link>
      </div>
      <div className="mt-6">
        <Table label="Targets" head={['Target', 'Rules', 'Devices now', '']} empty={rows.length === 0 && 'No targets yet.'}>
          {rows.map((t) => (
            <tr key={t.id} className="border-t border-slate-100">
              <td className={cellClass}>
                <Link href={`/deployments/targets/${t.id}`} className="font-medium text-indigo-700 hover:underline">
                  {t.name}
                </Link>
                {t.archived && <span className="ml-2 text-xs text-slate-500">archived</span>}
                <div className="text-xs text-slate-500">{t.description}</div>
              </td>
              <td className={cellClass}>{describeRules(t.rules)}</td>
              <td className={`${cellClass} tabular-nums`}>{t.deviceCount}</td>
              <td className={cellClass}>
                <ArchiveButton id={t.id} archived={t.archived} />
              </td>
            </tr>
          ))}
        </Table>
      </div>
    </div>
  );
}
