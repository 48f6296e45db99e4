import type { Metadata } from 'next';
import { ActionForm } from '@/app/ui/action-form';
import { Field, inputClass } from '@/app/ui/form';
import { formatDateTime } from '@/app/ui/format';
import { cellClass, Table } from '@/app/ui/table';
import { requireArea } from '@/lib/auth/session';
import { listSuppliers } from '@/lib/suppliers/admin';
import { listSupplierCredentials } from '@/lib/suppliers/credentials';
import { listDeviceChoices } from '@/lib/suppliers/queries';
import { deviceKindValues } from '@/db/schema';
import { addPersonAction, createCredentialAction, createSupplierAction, revokeCredentialAction } from './actions';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Suppliers' };
export const dynamic = 'force-dynamic';

const scopeText = (s: { environments: string[]; sites: string[]; kinds: string[]; devices: { hostname: string }[] }) =>
  [
    s.environments.length && `environments ${s.environments.join(', ')}`,
    s.sites.length && `sites ${s.sites.join(', ')}`,
    s.kinds.length && `kinds ${s.kinds.join(', ')}`,
  ]
    .filter(Boolean)
    .join(' AND ') +
  (s.devices.length
    ? `${s.environments.length + s.sites.length + s.kinds.length ? '; plus ' : ''}${s.devices.map((d) => d.hostname).join(', ')}`
    : '');

export default async function SuppliersPage() {
  const actor = await requireArea('/admin');
  const suppliers = await listSuppliers(actor);
  const credentials = new Map(await Promise.all(suppliers.map(async (s) => [s.id, await listSupplierCredentials(actor, s.id)] as const)));
  const deviceChoices = await listDeviceChoices(actor);
  return (
    <div className="space-y-8">
      <div>
        <Breadcrumb parent={{ href: '/admin', label: 'Admin' }} current="Suppliers" />
        <h1 className="mt-2 text-2xl font-semibold">Suppliers</h1>
        <p className="mt-1 max-w-3xl text-slate-600">
          Outside organisations that deploy to part of the estate. A supplier reaches the devices matching all of its rules, plus the
          devices listed; its credentials (API) and people (the Supplier page) are held to that scope.
        </p>
      </div>
      {suppliers.map((s) => (
        <section
          key={s.id}
          aria-labelledby={`s-${s.id}`}
          className="rounded-xl border border-slate-200 bg-white p-4"
          data-testid="supplier"
        >
          <h2 id={`s-${s.id}`} className="text-lg font-semibold">
            {s.name}
          </h2>
          <p className="text-sm text-slate-600">
            Scope: {scopeText(s) || 'nothing yet'} · Contact: {s.contactEmail || '—'} · People:{' '}
            {s.people.map((p) => p.email).join(', ') || 'none'}
          </p>
          <div className="mt-3">
            <Table
              label={`Credentials of ${s.name}`}
              head={['Name', 'Created (UTC)', 'Expires', 'Last used', 'State', 'Revoke']}
              empty={credentials.get(s.id)!.length === 0 && 'No credentials.'}
            >
              {credentials.get(s.id)!.map((c) => (
                <tr key={c.id} className="border-t border-slate-100">
                  <td className={cellClass}>
                    {c.name} <code className="text-xs text-slate-500">{c.prefix}…</code>
                  </td>
                  <td className={cellClass}>{formatDateTime(c.createdAt)}</td>
                  <td className={cellClass}>{c.expiresAt ? formatDateTime(c.expiresAt) : 'never'}</td>
                  <td className={cellClass}>{c.lastUsedAt ? formatDateTime(c.lastUsedAt) : 'never'}</td>
                  <td className={cellClass}>{c.state}</td>
                  <td className={cellClass}>
                    {c.state === 'active' && (
                      <ActionForm layout="stacked" action={revokeCredentialAction} submitLabel="Revoke" label={`Revoke ${c.name}`}>
                        <input type="hidden" name="credentialId" value={c.id} />
                      </ActionForm>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
          </div>
          <div className="mt-4 grid gap-6 md:grid-cols-2">
            <ActionForm
              layout="stacked"
              action={createCredentialAction}
              submitLabel="Create credential"
              label={`New credential for ${s.name}`}
            >
              <input type="hidden" name="supplierId" value={s.id} />
              <Field label="Credential name" name={`cred-name-${s.id}`}>
                <input id={`cred-name-${s.id}`} name="name" required maxLength={100} className={inputClass} />
              </Field>
              <Field label="Expires on" name={`cred-exp-${s.id}`}>
                <input id={`cred-exp-${s.id}`} name="expiresAt" type="date" required className={inputClass} />
              </Field>
            </ActionForm>
            <ActionForm layout="stacked" action={addPersonAction} submitLabel="Link person" label={`Link a person to ${s.name}`}>
              <input type="hidden" name="supplierId" value={s.id} />
              <Field label="E-mail of an existing account" name={`person-${s.id}`}>
                <input id={`person-${s.id}`} name="email" type="email" required className={inputClass} />
              </Field>
            </ActionForm>
          </div>
        </section>
      ))}
      <section aria-labelledby="new-supplier" className="rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="new-supplier" className="mb-3 text-lg font-semibold">
          Register a supplier
        </h2>
        <ActionForm layout="stacked" action={createSupplierAction} submitLabel="Register supplier" className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" name="name">
            <input id="name" name="name" required maxLength={120} className={inputClass} />
          </Field>
          <Field label="Contact e-mail" name="contactEmail">
            <input id="contactEmail" name="contactEmail" type="email" className={inputClass} />
          </Field>
          <Field label="Environments (comma-separated)" name="environments">
            <input id="environments" name="environments" placeholder="live, staging" className={inputClass} />
          </Field>
          <Field label="Sites (comma-separated)" name="sites">
            <input id="sites" name="sites" placeholder="Frankfurt DC" className={inputClass} />
          </Field>
          <fieldset>
            <legend className="block text-sm font-medium text-slate-700">Kinds of device</legend>
            {deviceKindValues.map((k) => (
              <label key={k} className="mr-3 inline-flex items-center gap-1 text-sm">
                <input type="checkbox" name="kinds" value={k} /> {k}
              </label>
            ))}
          </fieldset>
          <Field label="Explicit devices" name="deviceIds">
            <select id="deviceIds" name="deviceIds" multiple size={5} className={inputClass}>
              {deviceChoices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.hostname} ({d.kind}, {d.environment})
                </option>
              ))}
            </select>
          </Field>
        </ActionForm>
      </section>
    </div>
  );
}
