import type { Metadata } from 'next';
import Link from 'next/link';
import { listUsers } from '@/lib/admin/service';
import { roleLabels } from '@/lib/auth/roles';
import { requireArea } from '@/lib/auth/session';
import { cellClass, Table } from '@/app/ui/table';

export const metadata: Metadata = { title: 'Users' };

export default async function AdminPage({ searchParams }: { searchParams: Promise<{ saved?: string }> }) {
  const actor = await requireArea('/admin');
  const users = await listUsers(actor);
  const saved = (await searchParams).saved === '1';
  return (
    <div>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Users</h1>
          <p className="mt-1 text-slate-600">Accounts, their roles, managers and groups.</p>
        </div>
        <div className="flex gap-4">
          <Link href="/admin/groups" className="text-sm font-medium text-indigo-700 hover:underline">
            Groups →
          </Link>
          <Link href="/admin/suppliers" className="text-sm font-medium text-indigo-700 hover:underline">
            Suppliers →
          </Link>
          <Link href="/admin/jobs" className="text-sm font-medium text-indigo-700 hover:underline">
            Background jobs →
          </Link>
          <Link href="/admin/audit" className="text-sm font-medium text-indigo-700 hover:underline">
            Audit log →
          </Link>
          <Link href="/admin/advisories" className="text-sm font-medium text-indigo-700 hover:underline">
            Advisories →
          </Link>
        </div>
      </div>
      {saved && (
        <p role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Saved.
        </p>
      )}
      <Table label="Users" className="mt-6" head={['Name', 'Roles', 'Manager', 'Groups', 'Status']}>
        {users.map((u) => (
          <tr key={u.id} className="border-t border-slate-100">
            <td className={cellClass}>
              <Link href={`/admin/users/${u.id}`} className="font-medium text-indigo-700 hover:underline">
                {u.name}
              </Link>
              <div className="text-xs text-slate-500">{u.email}</div>
            </td>
            <td className={cellClass}>{u.roles.map((r) => roleLabels[r]).join(', ')}</td>
            <td className={cellClass}>{u.manager ?? '—'}</td>
            <td className={cellClass}>{u.groups.join(', ') || '—'}</td>
            <td className={cellClass}>{u.active ? 'active' : 'disabled'}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
