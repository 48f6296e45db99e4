'use client';

import Link from 'next/link';
import { useActionState, useState, useTransition } from 'react';
import { FormError } from '@/app/ui/form';
import { StatusBadge } from '@/app/ui/status-badge';
import { Table } from '@/app/ui/table';
import { approveSelectedAction, type BulkState } from './actions';

/** One inbox row, with every date already turned into text on the server. */
export interface InboxRow {
  id: string;
  requester: string;
  product: string;
  version: string;
  hostname: string;
  platform: string;
  justification: string;
  requestedAgo: string;
  requestedAt: string;
  due: { label: string; soon: boolean; at: string } | null;
  onBehalfOf: string | null;
}

const label = (r: Pick<InboxRow, 'requester' | 'product'>) => `${r.requester}’s request for ${r.product}`;

function outcome(message: string): string {
  if (message === 'pending approval') return 'approved; it now waits on the next stage';
  if (message === 'waiting for seat') return 'approved; it waits for a free licence seat';
  return message;
}

function BulkResults({ results, labels }: { results: NonNullable<BulkState['results']>; labels: Record<string, string> }) {
  const ok = results.filter((r) => r.ok);
  const failed = results.filter((r) => !r.ok);
  const summary =
    `${ok.length} approved` +
    (failed.length === 0
      ? '.'
      : failed.length === 1
        ? `, 1 could not be: ${failed[0]!.message}`
        : `, ${failed.length} could not be (see below).`);
  return (
    <div
      role="status"
      data-testid="bulk-result"
      className={`mt-6 rounded-md border px-3 py-2 text-sm ${failed.length ? 'border-amber-200 bg-amber-50 text-amber-900' : 'border-emerald-200 bg-emerald-50 text-emerald-800'}`}
    >
      <p className="font-medium">{summary}</p>
      <ul className="mt-1 space-y-0.5">
        {results.map((r) => (
          <li key={r.requestId}>
            <span aria-hidden="true">{r.ok ? '✓' : '✗'}</span> {labels[r.requestId] ?? 'A request'}: {r.ok ? outcome(r.message) : r.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * One page of the inbox. `total` counts every page; `paged` says this is not the first page, so
 * an empty page (its requests were decided meanwhile) offers the way back instead of "nothing waits".
 */
export function InboxTable({
  rows,
  total,
  filtered,
  paged,
  firstPage,
}: {
  rows: InboxRow[];
  total: number;
  filtered: boolean;
  paged: boolean;
  firstPage: string;
}) {
  const [state, dispatch] = useActionState(approveSelectedAction, {});
  const [pending, startTransition] = useTransition();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // Rows leave the inbox once approved, so the result list keeps the names it was submitted with.
  const [labels, setLabels] = useState<Record<string, string>>({});
  const chosen = rows.filter((r) => selected.has(r.id));
  const all = rows.length > 0 && chosen.length === rows.length;

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setLabels(Object.fromEntries(rows.map((r) => [r.id, label(r)])));
    setSelected(new Set());
    startTransition(() => dispatch(form));
  };

  return (
    <>
      {state.results && <BulkResults results={state.results} labels={labels} />}
      {state.error && (
        <div className="mt-6">
          <FormError state={state} />
        </div>
      )}
      {rows.length === 0 ? (
        <div className="mt-6 rounded-xl border border-dashed border-slate-300 bg-white px-4 py-12 text-center">
          {paged && total > 0 ? (
            <>
              <h2 className="text-lg font-semibold">Nothing more on this page</h2>
              <p className="mt-1 text-slate-600">
                <Link href={firstPage} className="font-medium text-indigo-700 hover:underline">
                  Back to the first page
                </Link>
              </p>
            </>
          ) : filtered ? (
            <>
              <h2 className="text-lg font-semibold">No request matches your search</h2>
              <p className="mt-1 text-slate-600">
                <Link href="/approvals" className="font-medium text-indigo-700 hover:underline">
                  Show everything waiting on you
                </Link>
              </p>
            </>
          ) : (
            <>
              <h2 className="text-lg font-semibold">Nothing waits on you</h2>
              <p className="mt-1 text-slate-600">When someone needs your approval, their request appears here.</p>
            </>
          )}
        </div>
      ) : (
        <form onSubmit={onSubmit} className="mt-6">
          <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-slate-600" data-testid="inbox-count">
              {total === 1 ? '1 request' : `${total.toLocaleString('en')} requests`} waiting
              {total > rows.length && ` · ${rows.length.toLocaleString('en')} on this page`}
            </p>
            <button
              type="submit"
              disabled={chosen.length === 0 || pending}
              className="rounded-md bg-emerald-700 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-emerald-800 disabled:cursor-not-allowed disabled:opacity-50"
            >
              {pending ? 'Approving…' : `Approve selected${chosen.length ? ` (${chosen.length})` : ''}`}
            </button>
          </div>
          <Table
            label="Requests waiting for you"
            head={[
              {
                label: (
                  <input
                    type="checkbox"
                    aria-label="Select all"
                    checked={all}
                    ref={(el) => {
                      if (el) el.indeterminate = chosen.length > 0 && !all;
                    }}
                    onChange={(e) => setSelected(new Set(e.target.checked ? rows.map((r) => r.id) : []))}
                    className="h-4 w-4 rounded border-slate-300"
                  />
                ),
                className: 'w-10',
              },
              // On a phone only the request column shows, with who asked and when it is due inside it.
              ...['Request', 'Requester', 'Device', 'Justification', 'Requested', 'Due'].map((h, i) => ({
                label: h,
                className: i > 0 ? 'hidden sm:table-cell' : '',
              })),
            ]}
          >
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100 align-top hover:bg-slate-50" data-testid="inbox-row">
                <td className="px-4 py-3">
                  <input
                    type="checkbox"
                    name="requestId"
                    value={r.id}
                    checked={selected.has(r.id)}
                    onChange={(e) => toggle(r.id, e.target.checked)}
                    aria-label={`Select ${label(r)}`}
                    className="h-4 w-4 rounded border-slate-300"
                  />
                </td>
                <td className="px-4 py-3">
                  <Link href={`/approvals/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                    {r.product}
                  </Link>
                  <div className="text-xs text-slate-500">Version {r.version}</div>
                  <div className="mt-1 text-xs text-slate-700 sm:hidden" data-testid="inbox-row-summary">
                    {r.requester} · {r.hostname}
                    {r.due && (
                      <span className={r.due.soon ? 'font-medium text-amber-800' : ''}>
                        {r.due.label === 'overdue' ? ' · overdue' : ` · due ${r.due.label}`}
                      </span>
                    )}
                  </div>
                </td>
                <td className="hidden px-4 py-3 sm:table-cell">
                  <div className="whitespace-nowrap">{r.requester}</div>
                  {r.onBehalfOf && (
                    <StatusBadge tone="owner" className="mt-1" testId="on-behalf-of">
                      on behalf of {r.onBehalfOf}
                    </StatusBadge>
                  )}
                </td>
                <td className="hidden px-4 py-3 sm:table-cell">
                  <div className="whitespace-nowrap font-mono text-xs">{r.hostname}</div>
                  <div className="text-xs text-slate-500">{r.platform}</div>
                </td>
                <td className="hidden max-w-xs px-4 py-3 text-slate-700 sm:table-cell">
                  <p className="line-clamp-2" title={r.justification}>
                    {r.justification}
                  </p>
                </td>
                <td className="hidden whitespace-nowrap px-4 py-3 sm:table-cell" title={r.requestedAt}>
                  {r.requestedAgo}
                </td>
                <td className="hidden whitespace-nowrap px-4 py-3 sm:table-cell">
                  {r.due ? (
                    <>
                      <span
                        data-testid={r.due.soon ? 'due-soon' : undefined}
                        className={
                          r.due.soon
                            ? 'rounded-full bg-amber-50 px-2 py-0.5 font-medium text-amber-800 ring-1 ring-inset ring-amber-200'
                            : ''
                        }
                      >
                        {r.due.label}
                      </span>
                      <div className="mt-0.5 text-xs text-slate-500">{r.due.at}</div>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </Table>
        </form>
      )}
    </>
  );
}
