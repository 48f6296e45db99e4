import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { requireArea } from '@/lib/auth/session';
import type { Actor } from '@/lib/auth/roles';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { inboxFilterInput, listInbox, type InboxFilter, type InboxPage, type InboxSort } from '@/lib/requests/inbox';
import { getRequestDetail } from '@/lib/requests/queries';
import { FilterBar } from '@/app/ui/filter-bar';
import { formatDateTime, platformLabels } from '@/app/ui/format';
import { Field, inputClass } from '@/app/ui/form';
import { KeysetPager, pagerLinkClass } from '@/app/ui/table';
import { ago, dueIn } from './format';
import { InboxTable, type InboxRow } from './inbox-table';

export const metadata: Metadata = { title: 'Approvals' };

type Search = Record<string, string | string[] | undefined>;

const sorts: Record<InboxSort, string> = { due: 'Due soonest', oldest: 'Oldest first', newest: 'Newest first' };

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

/** One page of the inbox, or why a stale or hand-edited page link cannot be followed. */
async function loadInbox(actor: Actor, filter: InboxFilter): Promise<InboxPage | { error: string }> {
  try {
    return await listInbox(actor, filter);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { error: e.message };
  }
}

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireArea('/approvals');
  const raw = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const parsed = inboxFilterInput.safeParse({
    q: one(raw.q)?.slice(0, 100),
    sort: one(raw.sort),
    after: one(raw.after),
    before: one(raw.before),
  });
  const filter = parsed.success ? parsed.data : {};
  const q = filter.q ?? '';
  const sort = filter.sort ?? 'due';
  const [loaded, done] = await Promise.all([parsed.success ? loadInbox(actor, filter) : null, doneMessage(actor, raw)]);
  const inbox: InboxPage = loaded && 'rows' in loaded ? loaded : { rows: [], total: 0, nextCursor: null, prevCursor: null };
  const pageError = !parsed.success ? parsed.error.issues[0]?.message : loaded && 'error' in loaded ? loaded.error : undefined;
  // Page links keep the search and the sort; the form starts again from the first page.
  const link = (cursor: Record<string, string>) => {
    const params = new URLSearchParams({ ...(q ? { q } : {}), ...(sort !== 'due' ? { sort } : {}), ...cursor });
    const query = params.toString();
    return `/approvals${query ? `?${query}` : ''}`;
  };
  const paged = Boolean(filter.after || filter.before);
  const now = new Date();
  const rows: InboxRow[] = inbox.rows.map((r) => ({
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
        <div className="flex flex-wrap gap-2">
          <Link
            href="/approvals/deployments"
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
          >
            Deployments →
          </Link>
          <Link
            href="/approvals/delegation"
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
          >
            Delegation →
          </Link>
        </div>
      </div>

      {done && (
        <p role="status" className="mt-6 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {done}
        </p>
      )}

      <FilterBar
        action="/approvals"
        label="Search the inbox"
        formKey={`${q}|${sort}`}
        columns="sm:grid-cols-[1fr_auto_auto]"
        applyLabel="Search"
      >
        <Field label="Search" name="q" labelHidden>
          <input
            name="q"
            type="search"
            defaultValue={q}
            maxLength={100}
            placeholder="Search by product, requester or device"
            className={inputClass}
          />
        </Field>
        <Field label="Sort" name="sort" labelHidden>
          <select name="sort" defaultValue={sort} className={inputClass}>
            {Object.entries(sorts).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
      </FilterBar>

      {pageError && (
        <p role="alert" className="mt-6 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {pageError}{' '}
          <Link href={link({})} className="font-medium underline">
            First page
          </Link>
        </p>
      )}

      <InboxTable rows={rows} total={inbox.total} filtered={q !== ''} paged={paged} firstPage={link({})} />

      <KeysetPager
        newestHref={paged && link({})}
        newestLabel="⇤ First"
        newestTestId="first-page"
        olderHref={inbox.nextCursor && link({ after: inbox.nextCursor })}
        olderLabel="Next page →"
        olderTestId="next-page"
        extra={
          inbox.prevCursor && (
            <Link href={link({ before: inbox.prevCursor })} className={pagerLinkClass} rel="prev" data-testid="previous-page">
              ← Previous
            </Link>
          )
        }
      />
    </div>
  );
}
