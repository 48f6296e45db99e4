import { cellClass, Table } from '@/app/ui/table';
import { releaseComponents, trustSummary } from '@/lib/trust/documents';

/** Who signed a release's files, and what its SBOM says is inside (components and licences). */
export async function ReleaseProvenance({ releaseId }: { releaseId: string }) {
  const [summary, components] = await Promise.all([trustSummary([releaseId]), releaseComponents(releaseId)]);
  const trust = summary.get(releaseId);
  if (!trust || (trust.signers.length === 0 && components.length === 0 && !trust.review)) return null;
  const licences = [...new Set(components.flatMap((c) => c.licences.split(', ')).filter(Boolean))].sort();
  return (
    <div className="mt-2 text-sm" data-testid="release-provenance">
      {trust.review && <p className="font-semibold text-red-700">Under review: signed with a key that was since revoked.</p>}
      {trust.signers.map((s) => (
        <p key={s.platform} className="text-slate-700" data-testid="signer">
          Verified signature ({s.platform}): <span className="font-medium">{s.signer}</span>
        </p>
      ))}
      {components.length > 0 && (
        <details className="mt-2">
          <summary className="cursor-pointer font-medium text-indigo-700">
            {components.length} components · licences {licences.join(', ') || 'not stated'}
          </summary>
          <div className="mt-2">
            <Table label="Components and licences" head={['Component', 'Version', 'Licence', 'Package URL']}>
              {components.map((c, i) => (
                <tr key={i} className="border-b border-slate-100">
                  <td className={cellClass}>{c.name}</td>
                  <td className={cellClass}>{c.version}</td>
                  <td className={cellClass}>{c.licences || '—'}</td>
                  <td className={`${cellClass} break-all font-mono text-xs`}>{c.purl ?? ''}</td>
                </tr>
              ))}
            </Table>
          </div>
        </details>
      )}
    </div>
  );
}
