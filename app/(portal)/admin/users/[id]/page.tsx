import type { Metadata } from 'next';
import { orNotFound } from '@/app/ui/or-not-found';
import Link from 'next/link';
import { getEditableUser } from '@/lib/admin/users';
import { requireArea } from '@/lib/auth/session';
import { SignOutEverywhere } from './sign-out-everywhere';
import { UserForm } from './user-form';

export const metadata: Metadata = { title: 'Edit user' };

export default async function EditUserPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireArea('/admin');
  const { id } = await params;
  const data = await orNotFound(getEditableUser(actor, id));
  return (
    <div className="max-w-2xl">
      <nav className="text-sm text-slate-500">
        <Link href="/admin" className="hover:underline">
          Users
        </Link>{' '}
        / {data.user.name}
      </nav>
      <h1 className="mt-2 text-2xl font-semibold">{data.user.name}</h1>
      <p className="text-slate-600">{data.user.email}</p>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6">
        <UserForm user={data.user} managers={data.managers} groups={data.groups} />
      </div>
      <section className="mt-6 rounded-xl border border-slate-200 bg-white p-6" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading" className="font-semibold">
          Sessions
        </h2>
        <p className="mb-3 mt-1 text-sm text-slate-600">
          Ends every session this person has open; each browser is signed out at its next request.
        </p>
        <SignOutEverywhere userId={data.user.id} />
      </section>
    </div>
  );
}
