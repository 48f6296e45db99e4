import { ActionForm } from '@/app/ui/action-form';
import { formatDate } from '@/app/ui/format';
import { inputClass } from '@/app/ui/form';
import { cellClass, Table } from '@/app/ui/table';
import { listPublisherKeys } from '@/lib/trust/keys';
import { readTrustPolicy } from '@/lib/trust/policy';
import { addKeyAction, retireKeyAction, revokeKeyAction, trustPolicyAction } from './trust-actions';

function keyState(k: Awaited<ReturnType<typeof listPublisherKeys>>[number]) {
  const now = new Date();
  if (k.revokedAt) return `revoked ${formatDate(k.revokedAt)}`;
  if (k.retiredAt && k.retiredAt <= now) return `retired ${formatDate(k.retiredAt)}`;
  if (k.expiresAt && k.expiresAt <= now) return `expired ${formatDate(k.expiresAt)}`;
  if (k.retiredAt) return `active until ${formatDate(k.retiredAt)}`;
  return 'active';
}

/** The product's trust policy and its trusted publisher keys (add, rotate, revoke). */
export async function TrustPanel({ productId, slug }: { productId: string; slug: string }) {
  const [policy, keys] = await Promise.all([readTrustPolicy(productId), listPublisherKeys(productId)]);
  const box = 'flex items-center gap-2 text-sm text-slate-700';
  return (
    <section className="mt-8 rounded-xl border border-slate-200 bg-white p-5" aria-labelledby="trust">
      <h2 id="trust" className="font-semibold">
        Signatures, SBOM and advisories
      </h2>
      <ActionForm
        action={trustPolicyAction.bind(null, productId, slug)}
        submitLabel="Save trust policy"
        className="mt-3 flex flex-wrap items-center gap-4"
        testId="trust-policy"
      >
        <label className={box}>
          <input type="checkbox" name="requireSignatures" defaultChecked={policy.requireSignatures} /> Signatures required
        </label>
        <label className={box}>
          <input type="checkbox" name="requireSbom" defaultChecked={policy.requireSbom} /> SBOM required
        </label>
        <label className={box}>
          <input type="checkbox" name="blockCriticalAdvisories" defaultChecked={policy.blockCriticalAdvisories} /> Block publishing when a
          critical advisory affects the release
        </label>
      </ActionForm>

      <h3 className="mt-5 text-sm font-semibold">Trusted publisher keys</h3>
      <div className="mt-2">
        <Table
          label="Trusted publisher keys"
          head={['Key', 'Signer', 'State', 'Rotate or revoke']}
          empty={keys.length === 0 && 'No keys yet: add the publisher’s public key below.'}
        >
          {keys.map((k) => (
            <tr key={k.id} className="border-b border-slate-100" data-testid={`key-${k.label}`}>
              <td className={cellClass}>
                <span className="font-medium">{k.label}</span>{' '}
                <span className="text-xs text-slate-500">{k.kind === 'openpgp' ? 'OpenPGP' : 'Sigstore'}</span>
                <code className="block break-all font-mono text-xs text-slate-600">{k.fingerprint}</code>
              </td>
              <td className={cellClass}>{k.identity}</td>
              <td className={cellClass}>{keyState(k)}</td>
              <td className={cellClass}>
                {!k.revokedAt && (
                  <div className="space-y-2">
                    <ActionForm action={retireKeyAction.bind(null, k.id, slug)} submitLabel="Retire">
                      <label className="text-xs text-slate-700">
                        Accepted until (UTC)
                        <input type="datetime-local" name="until" className={`${inputClass} w-52`} />
                      </label>
                    </ActionForm>
                    <ActionForm action={revokeKeyAction.bind(null, k.id, slug)} submitLabel="Revoke" danger>
                      <label className="text-xs text-slate-700">
                        Reason for revoking
                        <input name="reason" className={`${inputClass} w-52`} maxLength={2000} />
                      </label>
                    </ActionForm>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </Table>
      </div>
      <details className="mt-3">
        <summary className="cursor-pointer text-sm font-medium text-indigo-700">Add a key</summary>
        <ActionForm
          action={addKeyAction.bind(null, productId, slug)}
          submitLabel="Add key"
          className="mt-2 grid gap-2 sm:grid-cols-2"
          testId="add-key"
        >
          <label className="text-sm font-medium text-slate-700">
            Kind
            <select name="kind" className={inputClass} defaultValue="openpgp">
              <option value="openpgp">OpenPGP (gpg)</option>
              <option value="sigstore">Sigstore (cosign key, or keyless identity)</option>
            </select>
          </label>
          <label className="text-sm font-medium text-slate-700">
            Label
            <input name="label" className={inputClass} maxLength={200} required />
          </label>
          <label className="text-sm font-medium text-slate-700">
            Key hint (Sigstore only)
            <input name="hint" className={inputClass} maxLength={200} />
          </label>
          <label className="text-sm font-medium text-slate-700">
            Identity (optional; OpenPGP keys name their own)
            <input name="identity" className={inputClass} maxLength={300} />
          </label>
          <label className="text-sm font-medium text-slate-700">
            OIDC issuer (Sigstore keyless only; the identity is then the certificate SAN)
            <input name="issuer" className={inputClass} maxLength={300} placeholder="https://token.actions.githubusercontent.com" />
          </label>
          <label className="text-sm font-medium text-slate-700 sm:col-span-2">
            Public key (armored, or PEM; empty for a keyless identity)
            <textarea name="publicKey" rows={5} className={`${inputClass} font-mono text-xs`} />
          </label>
        </ActionForm>
      </details>
    </section>
  );
}
