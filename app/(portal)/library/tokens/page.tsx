import type { Metadata } from 'next';
import { requireArea } from '@/lib/auth/session';
import { listApiTokens, listTokenProductChoices, type ApiTokenView } from '@/lib/pipeline/tokens';
import { CreateTokenForm, RevokeTokenButton } from './token-form';
import { StatusBadge, type BadgeTone } from '@/app/ui/status-badge';
import { cellClass, Table } from '@/app/ui/table';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Pipeline tokens' };

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const when = (d: Date | null, none = '—') => (d ? `${dateTime.format(d)} UTC` : none);

const stateTones: Record<ApiTokenView['state'], BadgeTone> = {
  active: 'success',
  expired: 'warning',
  revoked: 'danger',
};

export default async function TokensPage() {
  const actor = await requireArea('/library');
  const [tokens, products] = await Promise.all([listApiTokens(actor), listTokenProductChoices(actor)]);
  return (
    <div>
      <Breadcrumb parent={{ href: '/library', label: 'Library' }} current="Pipeline tokens" />
      <h1 className="mt-2 text-2xl font-semibold">Pipeline tokens</h1>
      <p className="mt-1 max-w-3xl text-slate-600">
        A token lets a CI pipeline create releases, upload artifacts and publish them through the API at <code>/api/v1</code>, for the
        products it is scoped to only. The portal keeps only a hash of each token: copy a new one when it is shown.
      </p>

      <section aria-labelledby="new-token" className="mt-6 rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="new-token" className="mb-3 text-lg font-semibold">
          New token
        </h2>
        <CreateTokenForm products={products.map(({ id, name }) => ({ id, name }))} />
      </section>

      <section aria-labelledby="tokens" className="mt-8">
        <h2 id="tokens" className="text-lg font-semibold">
          Tokens
        </h2>
        <Table
          label="Pipeline tokens"
          className="mt-3"
          head={['Name', 'Products', 'Created', 'Expires', 'Last used', 'State', '']}
          empty={tokens.length === 0 && 'No tokens yet. Create one above for a pipeline.'}
        >
          {tokens.map((t) => (
            <tr key={t.id} className="border-t border-slate-100 align-top" data-testid="token-row">
              <td className={cellClass}>
                <div className="font-medium">{t.name}</div>
                <code className="font-mono text-xs text-slate-500">{t.prefix}…</code>
              </td>
              <td className={cellClass}>{t.products.map((p) => p.name).join(', ')}</td>
              <td className={cellClass}>
                {when(t.createdAt)}
                <div className="text-xs text-slate-500">by {t.createdBy.name}</div>
              </td>
              <td className={cellClass}>{when(t.expiresAt, 'never')}</td>
              <td className={cellClass}>{when(t.lastUsedAt, 'never')}</td>
              <td className={cellClass}>
                <StatusBadge tone={stateTones[t.state]}>{t.state}</StatusBadge>
                {t.revokedAt && <div className="text-xs text-slate-500">{when(t.revokedAt)}</div>}
              </td>
              <td className={`${cellClass} text-right`}>{t.state === 'active' && <RevokeTokenButton id={t.id} name={t.name} />}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
