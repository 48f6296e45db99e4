import Link from 'next/link';
import { formatDateTime } from '@/app/ui/format';
import { RequestStatusBadge } from '@/app/ui/request-status-badge';
import type { MySoftware } from '@/lib/deployments/my-software';
import type { FailedItem } from '@/lib/deployments/my-software-status';
import { namesOr } from '@/lib/requests/device-product-state';

const list = 'mt-3 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm';
const link = 'font-medium text-indigo-700 underline';

/**
 * Newer releases this device is already offered. A device with an agent gets them at its next
 * sync (the pulls list resolves to the newer release), so there is nothing to press; a browser
 * install is updated from its request's download, as on the product page.
 */
export function UpdatesSection({ sw }: { sw: MySoftware }) {
  if (sw.updates.length === 0) return null;
  return (
    <section aria-labelledby="updates" className="mt-6">
      <h2 id="updates" className="text-lg font-semibold">
        Updates available
      </h2>
      <ul className={list} data-testid="updates-list">
        {sw.updates.map((u) => (
          <li key={u.product.slug} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3" data-testid="update-row">
            <span>
              <span className="font-medium">{u.product.name}</span>{' '}
              <span className="font-mono text-xs">
                {u.from} → {u.to}
              </span>
            </span>
            {sw.device.agentManaged ? (
              <span className="text-slate-700">The portal agent installs {u.to} at its next sync.</span>
            ) : u.requestId ? (
              <Link href={`/requests/${u.requestId}#download`} className={link}>
                Update<span className="sr-only"> {u.product.name}</span>
              </Link>
            ) : (
              <span className="text-slate-700">Installed when the device next checks in.</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The owner's requests for this device that are not done: who approves, a seat, or the download. */
export function WaitingSection({ sw }: { sw: MySoftware }) {
  if (sw.waiting.length === 0) return null;
  return (
    <section aria-labelledby="waiting" className="mt-6">
      <h2 id="waiting" className="text-lg font-semibold">
        Waiting
      </h2>
      <ul className={list} data-testid="waiting-list">
        {sw.waiting.map((w) => (
          <li key={w.requestId} className="px-4 py-3" data-testid="waiting-row">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{w.product.name}</span>
              <RequestStatusBadge status={w.status} />
            </div>
            <p className="mt-1 text-slate-700">
              {w.status === 'pending_approval' ? (
                <>
                  Waiting for <span className="font-medium">{namesOr(w.approvers)}</span> to approve.
                </>
              ) : w.status === 'waiting_for_seat' ? (
                'Approved, waiting for a licence seat to come free.'
              ) : w.status === 'approved' ? (
                sw.device.agentManaged ? (
                  'Approved: the portal agent installs it at its next sync.'
                ) : (
                  'Approved, not downloaded yet.'
                )
              ) : (
                'Submitted.'
              )}{' '}
              <Link href={`/requests/${w.requestId}${w.status === 'approved' ? '#download' : ''}`} className={link}>
                {w.status === 'approved' && !sw.device.agentManaged ? 'Download' : 'View request'}
                <span className="sr-only"> for {w.product.name}</span>
              </Link>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

const failureLabels: Record<FailedItem['type'], string> = {
  download_failed: 'Download failed',
  install_failed: 'Install failed',
  uninstall_failed: 'Uninstall failed',
};

/**
 * The latest outcome per product when it is a failure. The agent keeps no back-off: it tries every
 * offered item it does not have at each sync, so "retry" needs no server change and the page says
 * so instead of showing a button that does nothing. An uninstall is retried from its removal.
 */
export function FailedSection({ sw }: { sw: MySoftware }) {
  if (sw.failed.length === 0) return null;
  return (
    <section aria-labelledby="failed" className="mt-6">
      <h2 id="failed" className="text-lg font-semibold">
        Failed
      </h2>
      <ul className={list} data-testid="failed-list">
        {sw.failed.map((f) => (
          <li key={f.product.slug} className="px-4 py-3" data-testid="failed-row">
            <p>
              <span className="font-medium">
                {f.product.name} {f.version}
              </span>
              : <span className="font-medium text-red-800">{failureLabels[f.type]}</span>{' '}
              <span className="text-slate-600">{formatDateTime(f.at)}</span>
            </p>
            {f.errorText && (
              <pre className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-mono text-xs text-slate-800">
                {f.errorText}
              </pre>
            )}
            <p className="mt-1 text-slate-700" data-testid="retry-note">
              {f.type === 'uninstall_failed' ? (
                'Retry or cancel the removal under Installed below.'
              ) : f.offeredAgain ? (
                'Retry: nothing to press, the portal agent tries again at its next sync.'
              ) : (
                <>
                  No longer offered to this device, so it will not be retried.{' '}
                  <Link href={`/catalogue/${f.product.slug}`} className={link}>
                    Request it again<span className="sr-only"> ({f.product.name})</span>
                  </Link>
                </>
              )}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
