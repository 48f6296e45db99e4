import type { Metadata } from 'next';
import { requireArea } from '@/lib/auth/session';
import { listDelegateChoices, listDelegations } from '@/lib/requests/delegation';
import { formatDateTime } from '@/app/ui/format';
import { DelegationForm, EndDelegationButton } from './delegation-form';
import { cellClass, Table } from '@/app/ui/table';
import { StatusBadge } from '@/app/ui/status-badge';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Delegation' };

type Delegation = Awaited<ReturnType<typeof listDelegations>>['given'][number];

/** A datetime-local value in UTC, to the minute. */
const local = (d: Date) => d.toISOString().slice(0, 16);

function DelegationTable({
  rows,
  who,
  canEnd,
  empty,
  now,
}: {
  now: Date;
  rows: Delegation[];
  who: 'delegate' | 'approver';
  canEnd: boolean;
  empty: string;
}) {
  if (rows.length === 0) return <p className="mt-2 text-sm text-slate-600">{empty}</p>;
  return (
    <Table label="Delegations" className="mt-3" head={[who === 'delegate' ? 'Stand-in' : 'Stands in for', 'From', 'Until', 'State', '']}>
      {rows.map((d) => {
        const active = d.startsAt <= now;
        return (
          <tr key={d.id} className="border-t border-slate-100" data-testid={`delegation-${who === 'delegate' ? 'given' : 'received'}`}>
            <td className={`${cellClass} font-medium`}>{d[who]}</td>
            <td className={cellClass}>{formatDateTime(d.startsAt)}</td>
            <td className={cellClass}>{formatDateTime(d.endsAt)}</td>
            <td className={cellClass}>
              <StatusBadge tone={active ? 'success' : 'neutral'}>{active ? 'active' : 'scheduled'}</StatusBadge>
            </td>
            <td className={`${cellClass} text-right`}>
              {/* Only a delegation under way can be ended: endDelegation sets its end to now, which for a
                scheduled one would fall before its start. */}
              {canEnd && active && <EndDelegationButton id={d.id} name={d.delegate} />}
            </td>
          </tr>
        );
      })}
    </Table>
  );
}

export default async function DelegationPage() {
  const actor = await requireArea('/approvals');
  const [{ given, received }, choices] = await Promise.all([listDelegations(actor), listDelegateChoices(actor)]);
  const now = new Date();
  now.setUTCSeconds(0, 0);
  return (
    <div>
      <Breadcrumb parent={{ href: '/approvals', label: 'Approvals' }} current="Delegation" />
      <h1 className="mt-2 text-2xl font-semibold">Delegation</h1>
      <p className="mt-1 max-w-3xl text-slate-600">
        Name another approver to stand in for you while you are away. During that time the requests waiting on you also appear in their
        inbox, marked “on behalf of” you, and either of you may decide them.
      </p>

      <section aria-labelledby="new-delegation" className="mt-6 rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="new-delegation" className="mb-3 text-lg font-semibold">
          New delegation
        </h2>
        <DelegationForm choices={choices} defaultStart={local(now)} defaultEnd={local(new Date(now.getTime() + 7 * 86_400_000))} />
      </section>

      <section aria-labelledby="given" className="mt-8">
        <h2 id="given" className="text-lg font-semibold">
          Your stand-ins
        </h2>
        <DelegationTable now={now} rows={given} who="delegate" canEnd empty="Nobody stands in for you." />
      </section>

      <section aria-labelledby="received" className="mt-8">
        <h2 id="received" className="text-lg font-semibold">
          You stand in for
        </h2>
        <DelegationTable now={now} rows={received} who="approver" canEnd={false} empty="Nobody has named you their stand-in." />
      </section>
    </div>
  );
}
