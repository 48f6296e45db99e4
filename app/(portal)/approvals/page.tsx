import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { requireArea } from '@/lib/auth/session';
import type { Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';
import { sweepRequests } from '@/lib/requests/lifecycle';
import { getRequestDetail, listInbox, type InboxFilter } from '@/lib/requests/queries';
import { formatDateTime, platformLabels } from '@/app/ui/format';
import { ago, dueIn } from './format';
import { InboxTable, type InboxRow } from './inbox-table';

export const metadata: Metadata = { title: 'Approvals' };

type Search = Record<string, string | string[] | undefined>;

const sorts: Record<NonNullable<InboxFilter['sort']>, string> = { due: 'Due soonest', oldest: 'Oldest first', newest: 'Newest first' };

/** What the approver just did, read back from the request itself (the URL carries only the request and the decision). */
async function doneMessage(actor: Actor, raw: Search): Promise<string | null> {
  const id = z.uuid().safeParse(raw.id);
  if ((raw.done !== 'approved' && raw.done !== 'rejected') || !id.success) return null;
  try {
    const r = await getRequestDetail(actor, id.data);
    const what = `${r.requester}’s request for ${r.product.name}`;
    if (raw.done === 'rejected') return `You rejected ${what}. They have been told why.`;
    switch (r.status) {
      case 'pending_approval':
        return `You approved ${what}. It now waits on the next stage: ${r.stages.find((s) => s.position === r.stage)?.label ?? 'another approver'}.`;
      case 'waiting_for_seat':
        return `You approved ${what}. It waits for a free licence seat.`;
      case 'rejected':
        return `You approved ${what}, but it was rejected: ${r.closedReason ?? 'no licence seat was free'}.`;
      default:
        return `You approved ${what}. They can download it now.`;
    }
  } catch (e) {
    if (e instanceof NotFoundError) return 'Your decision is recorded.';
    throw e;
  }
}

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireArea('/approvals');
  await sweepRequests();
  const raw = await searchParams;
  const q = typeof raw.q === 'string' ? raw.q.trim().slice(0, 100) : '';
  const sort = raw.sort === 'oldest' || raw.sort === 'newest' ? raw.sort : 'due';
  const [inbox, done] = await Promise.all([listInbox(actor, { q, sort }), doneMessage(actor, raw)]);
  const now = new Date();
  const rows: InboxRow[] = inbox.map((r) => ({
    id: r.id,
    requester: r.requester,
    product: r.product.name,
    version: r.version ?? 'current',
    hostname: r.device.hostname,
    platform: platformLabels[r.device.platform as keyof typeof platformLabels] ?? r.device.platform,
    justification: r.justification,
    requestedAgo: ago(r.createdAt, now),
    requestedAt: formatDateTime(r.createdAt),
    due: r.stageDueAt ? { ...dueIn(r.stageDueAt, now)!, at: formatDateTime(r.stageDueAt) } : null,
    onBehalfOf: r.onBehalfOf,
  }));

  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Approvals</h1>
          <p className="mt-1 text-slate-600">Requests waiting on your decision, including those of approvers you stand in for.</p>
        </div>
        <Link
          href="/approvals/delegation"
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
        >
          Delegation →
        </Link>
      </div>

      {done && (
        <p role="status" className="mt-6 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {done}
        </p>
      )}

      <form
        key={`${q}|${sort}`}
        role="search"
        method="get"
        action="/approvals"
        className="mt-6 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_auto_auto]"
      >
        <div>
          <label htmlFor="q" className="sr-only">
            Search
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={100}
            placeholder="Search by product, requester or device"
            className="block w-full rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
          />
        </div>
        <div>
          <label htmlFor="sort" className="sr-only">
            Sort
          </label>
          <select id="sort" name="sort" defaultValue={sort} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2">
            {Object.entries(sorts).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-500">
          Search
        </button>
      </form>

      <InboxTable rows={rows} filtered={q !== ''} />
    </div>
  );
}
