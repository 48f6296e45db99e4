import { ActionForm } from '@/app/ui/action-form';
import { inputClass } from '@/app/ui/form';
import { attachDocumentAction } from './trust-actions';

export interface ReleaseTrust {
  documents: string[];
  signers: { platform: string; signer: string }[];
  review: boolean;
}

/** A release's signers, SBOM and provenance, its review flag, and (drafts) the upload form. */
export function ReleaseTrustInfo({
  releaseId,
  slug,
  draft,
  trust,
}: {
  releaseId: string;
  slug: string;
  draft: boolean;
  trust?: ReleaseTrust;
}) {
  return (
    <div className="mt-2 space-y-1 text-sm" data-testid="release-trust">
      {trust?.review && <p className="font-semibold text-red-700">Needs review: signed with a key that was revoked.</p>}
      {trust?.signers.map((s) => (
        <p key={s.platform} className="text-slate-700">
          Signed ({s.platform}) by <span className="font-medium">{s.signer}</span>
        </p>
      ))}
      {trust?.documents.length ? <p className="text-slate-700">Attached: {trust.documents.join(', ')}</p> : null}
      {draft && (
        <ActionForm action={attachDocumentAction.bind(null, releaseId, slug)} submitLabel="Attach">
          <label className="text-sm font-medium text-slate-700">
            Document
            <select name="kind" className={`${inputClass} w-56`} defaultValue="sbom">
              <option value="sbom">SBOM (CycloneDX / SPDX JSON)</option>
              <option value="provenance">Provenance (in-toto / SLSA)</option>
            </select>
          </label>
          <label className="text-sm font-medium text-slate-700">
            JSON file
            <input type="file" name="document" accept="application/json,.json" className="mt-1 block text-sm" />
          </label>
        </ActionForm>
      )}
    </div>
  );
}
