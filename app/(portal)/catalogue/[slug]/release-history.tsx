import type { ProductDetail } from '@/lib/catalogue/service';
import { formatBytes, formatDate, platformLabels } from '@/app/ui/format';
import { RenderedMarkdown } from '@/app/ui/markdown';
import { ReleaseStatusBadge, StatusBadge } from '@/app/ui/status-badge';
import { insetCell, Table } from '@/app/ui/table';
import { ReleaseProvenance } from './release-provenance';

/**
 * Every release of the product, newest first, with its notes; the builds and their full SHA-256
 * hashes sit in a closed <details> per release, there for those who want them and out of
 * everyone else's way (on a phone above all).
 */
export function ReleaseHistory({
  releases,
  currentId,
  librarianView,
}: {
  releases: ProductDetail['releases'];
  currentId: string | null;
  librarianView: boolean;
}) {
  return (
    <section aria-labelledby="releases">
      <h2 id="releases" className="text-lg font-semibold">
        Releases
      </h2>
      {releases.length === 0 ? (
        <p className="mt-2 text-slate-600">No releases yet.</p>
      ) : (
        <ol className="mt-3 space-y-4">
          {releases.map((r) => (
            <li key={r.id} className="rounded-xl border border-slate-200 bg-white p-4" data-testid="release">
              <div className="flex flex-wrap items-center gap-2">
                <h3 className="font-semibold">Version {r.version}</h3>
                {r.id === currentId && <StatusBadge tone="strong">current</StatusBadge>}
                {librarianView && <ReleaseStatusBadge status={r.status} />}
                {r.publishedAt && <span className="text-sm text-slate-500">published {formatDate(r.publishedAt)}</span>}
                {librarianView && r.changeRef && <span className="text-sm text-slate-500">· change {r.changeRef}</span>}
              </div>
              {/* The current release's notes are shown above as "What's new". */}
              {r.notes.trim() && r.id !== currentId && <RenderedMarkdown html={r.notesHtml} className="mt-1" />}
              <ReleaseProvenance releaseId={r.id} />
              {r.withdrawReason && librarianView && <p className="mt-1 text-sm text-red-700">Withdrawn: {r.withdrawReason}</p>}
              {r.artifacts.length > 0 && (
                // The builds and their full hashes are there for those who want them, not in everyone's way.
                <details className="mt-3" data-testid="release-files">
                  <summary className="cursor-pointer text-sm font-medium text-indigo-700">
                    {r.artifacts.length === 1 ? '1 file' : `${r.artifacts.length} files`} ·{' '}
                    {r.artifacts.map((a) => platformLabels[a.platform]).join(', ')} · SHA-256 hashes
                  </summary>
                  <Table
                    look="inset"
                    label="Files and hashes"
                    className="mt-2"
                    head={[
                      'Platform',
                      'File',
                      'Size',
                      'SHA-256',
                      ...(librarianView
                        ? [
                            <span key="download" className="sr-only">
                              Download
                            </span>,
                          ]
                        : []),
                    ]}
                  >
                    {r.artifacts.map((a) => (
                      <tr key={a.id} className="border-t border-slate-100 align-top">
                        <td className={`${insetCell} whitespace-nowrap`}>{platformLabels[a.platform]}</td>
                        <td className={`${insetCell} whitespace-nowrap`}>{a.fileName}</td>
                        <td className={`${insetCell} whitespace-nowrap`} title={`${a.sizeBytes} bytes`}>
                          {formatBytes(a.sizeBytes)}
                        </td>
                        <td className={insetCell}>
                          <code className="break-all font-mono text-xs text-slate-700" data-testid="sha256">
                            {a.sha256}
                          </code>
                          {a.corrupt && <span className="ml-2 text-xs font-medium text-red-700">integrity failure: not served</span>}
                        </td>
                        {/* Librarians test any build they may serve (drafts included); withdrawn and corrupt ones are never served. */}
                        {librarianView && (
                          <td className={`${insetCell} whitespace-nowrap`}>
                            {r.status !== 'withdrawn' && !a.corrupt && (
                              <a
                                href={`/api/artifacts/${a.id}/download`}
                                className="text-indigo-700 hover:underline"
                                data-testid="download-link"
                                download
                              >
                                Download
                              </a>
                            )}
                          </td>
                        )}
                      </tr>
                    ))}
                  </Table>
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
