import type { Metadata } from 'next';
import { listGroups } from '@/lib/admin/groups';
import { requireArea } from '@/lib/auth/session';
import { GroupEditor, NewGroupForm } from './group-forms';
import { StatusBadge } from '@/app/ui/status-badge';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Groups' };

export default async function GroupsPage() {
  const actor = await requireArea('/admin');
  const groups = await listGroups(actor);
  return (
    <div>
      <Breadcrumb parent={{ href: '/admin', label: 'Admin' }} current="Groups" />
      <h1 className="mt-3 text-2xl font-semibold">Groups</h1>
      <p className="mt-1 text-slate-600">
        Groups decide who sees restricted products and who approves group stages. Members are edited on each person’s page.
      </p>
      <section className="mt-6 rounded-xl border border-slate-200 bg-white p-4" aria-labelledby="new-group" role="region">
        <h2 id="new-group" className="font-semibold">
          New group
        </h2>
        <div className="mt-3">
          <NewGroupForm />
        </div>
      </section>
      <ul className="mt-6 space-y-4">
        {groups.map((g) => (
          <li key={g.id} className="rounded-xl border border-slate-200 bg-white p-4" data-testid="group-row">
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
              <h2 className="font-semibold">{g.name}</h2>
              {g.archived && <StatusBadge tone="neutral">archived</StatusBadge>}
              <span className="text-sm text-slate-600">
                {g.members === 1 ? '1 member' : `${g.members} members`}
                {g.usedBy.length > 0 && ` · used by ${g.usedBy.join(', ')}`}
              </span>
            </div>
            <div className="mt-3">
              <GroupEditor group={g} />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
