import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import type { RequestStatus } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { ValidationError } from '@/lib/errors';
import type { RequestRow } from './queries';

/** Rows on one page of the approver inbox. */
export const INBOX_PAGE_SIZE = 50;

export const inboxSorts = ['due', 'oldest', 'newest'] as const;
export type InboxSort = (typeof inboxSorts)[number];

export interface InboxFilter {
  q?: string;
  sort?: InboxSort;
  /** Opaque page positions from a previous page: rows after `after`, or the page before `before`. */
  after?: string;
  before?: string;
  pageSize?: number;
}

export type InboxEntry = RequestRow & { onBehalfOf: string | null };

export interface InboxPage {
  rows: InboxEntry[];
  /** Every request waiting on the actor that matches the search, on all pages. */
  total: number;
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * A page position is a row's sort key and id. The key is kept as text to the microsecond (a JS
 * Date would drop the last three digits and skip rows that differ only there); a stage with no
 * due date sorts last as 'infinity'.
 */
interface InboxCursor {
  key: string;
  id: string;
}
const cursorPattern =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z|infinity)~([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const encodeInboxCursor = (c: InboxCursor) => Buffer.from(`${c.key}~${c.id}`, 'utf8').toString('base64url');

export function decodeInboxCursor(token: string, field: 'after' | 'before'): InboxCursor {
  const m = /^[A-Za-z0-9_-]{1,120}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8').match(cursorPattern) : null;
  if (!m) throw new ValidationError('This page link is no longer valid: start again from the first page.', field);
  return { key: m[1]!, id: m[2]! };
}

/** The inbox's query string (search, sort, page position) as the page reads it. */
export const inboxFilterInput = z.object({
  q: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : undefined),
    z.string().max(100, 'Search for at most 100 characters.').optional(),
  ),
  sort: z.preprocess((v) => (v === '' ? undefined : v), z.enum(inboxSorts, 'Choose a sort order from the list.').optional()),
  after: z.string().max(120).optional(),
  before: z.string().max(120).optional(),
});

const iso = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The whole inbox rule as one statement, so its cost follows the requests the actor may decide,
 * not all pending requests. The actor decides a pending request's current stage in their own name
 * (its requester's manager, or a member of its group) or as the active delegate of someone who
 * does; only active users with the approver role count, on either side. Like `decidingAs`, they
 * act in their own name when they can, otherwise for the first delegator (by id) who can; the
 * request leaves the inbox once that principal has decided the stage, so an N-of-M stage stays
 * with the members who have not. Nobody sees their own request. The total is counted in the
 * same statement, and the page is found by keyset (sort key, id), never by offset.
 */
export function inboxStatement(actorId: string, filter: InboxFilter = {}): SQL {
  const sort = filter.sort ?? 'due';
  const pageSize = filter.pageSize ?? INBOX_PAGE_SIZE;
  const backwards = !filter.after && Boolean(filter.before);
  const cursor = filter.after
    ? decodeInboxCursor(filter.after, 'after')
    : filter.before
      ? decodeInboxCursor(filter.before, 'before')
      : null;
  // 'newest' runs descending; walking backwards flips the direction of either sort.
  const descending = (sort === 'newest') !== backwards;
  const order = descending ? sql`desc` : sql`asc`;
  const key = sort === 'due' ? sql`coalesce(ch.stage_due_at, 'infinity'::timestamptz)` : sql`ch.created_at`;
  const q = filter.q?.trim().toLowerCase();
  // The search joins the names in only when there is something to search for.
  const search = q
    ? sql`and exists (
        select 1 from products p, devices d, users rq
        where p.id = ch.product_id and d.id = ch.device_id and rq.id = ch.requester_id
          and strpos(lower(p.name || ' ' || rq.name || ' ' || d.hostname), ${q}) > 0)`
    : sql``;
  const after = cursor
    ? descending
      ? sql`where (i.sort_key, i.id) < (${cursor.key}::timestamptz, ${cursor.id}::uuid)`
      : sql`where (i.sort_key, i.id) > (${cursor.key}::timestamptz, ${cursor.id}::uuid)`
    : sql``;

  return sql`
    with me as (
      select u.id from users u where u.id = ${actorId} and u.active and 'approver' = any(u.roles)
    ),
    principals as (
      select me.id as principal_id, false as delegated from me
      union
      select d.approver_id, true
      from delegations d
      join me on d.delegate_id = me.id
      join users p on p.id = d.approver_id and p.active and 'approver' = any(p.roles)
      where d.starts_at <= now() and d.ends_at > now()
    ),
    candidates as (
      select sr.id, sr.requester_id, sr.product_id, sr.device_id, sr.current_stage, sr.created_at, sr.stage_due_at,
             pr.principal_id, pr.delegated
      from principals pr
      join users rq on rq.manager_id = pr.principal_id
      join service_requests sr on sr.requester_id = rq.id and sr.status = 'pending_approval'
      join approval_stages st on st.product_id = sr.product_id and st.position = sr.current_stage and st.kind = 'manager'
      union all
      select sr.id, sr.requester_id, sr.product_id, sr.device_id, sr.current_stage, sr.created_at, sr.stage_due_at,
             pr.principal_id, pr.delegated
      from principals pr
      join group_members gm on gm.user_id = pr.principal_id
      join approval_stages st on st.group_id = gm.group_id and st.kind = 'group'
      join service_requests sr
        on sr.product_id = st.product_id and sr.current_stage = st.position and sr.status = 'pending_approval'
      where sr.requester_id <> pr.principal_id
    ),
    chosen as (
      select distinct on (c.id) c.*
      from candidates c
      where c.requester_id <> ${actorId}
      order by c.id, c.delegated, c.principal_id
    ),
    inbox as materialized (
      select ch.id, ${key} as sort_key, ch.principal_id, ch.delegated
      from chosen ch
      -- One index probe per row (offset 0 keeps the planner from hashing every decision ever made).
      where not exists (
        select 1 from approvals a
        where a.request_id = ch.id and a.stage = ch.current_stage and coalesce(a.on_behalf_of_id, a.approver_id) = ch.principal_id
        offset 0
      )
      ${search}
    )
    select (select count(*) from inbox)::int as total, page.*
    from (select 1) as one
    left join lateral (
      select
        i.id, sr.status, sr.closed_reason, sr.product_id, sr.device_id, sr.justification, sr.current_stage as stage,
        ${iso(sql`sr.created_at`)} as created_at, ${iso(sql`sr.stage_due_at`)} as stage_due_at,
        case when isfinite(i.sort_key) then ${iso(sql`i.sort_key`)} else 'infinity' end as sort_key,
        p.name as product_name, p.slug as product_slug, d.hostname, d.platform::text as platform,
        (select rl.version from releases rl where rl.id = sr.release_id) as version,
        (select rq.name from users rq where rq.id = sr.requester_id) as requester,
        case when i.delegated then (select pu.name from users pu where pu.id = i.principal_id) end as on_behalf_of
      -- The page is cut from the inbox first; only its rows are joined to names.
      from (select * from inbox i ${after} order by i.sort_key ${order}, i.id ${order} limit ${pageSize + 1}) as i
      join service_requests sr on sr.id = i.id
      join products p on p.id = sr.product_id
      join devices d on d.id = sr.device_id
      order by i.sort_key ${order}, i.id ${order}
    ) as page on true`;
}

interface InboxSqlRow extends Record<string, unknown> {
  total: number;
  id: string | null;
  status: RequestStatus;
  closed_reason: string | null;
  product_id: string;
  device_id: string;
  justification: string;
  stage: number | null;
  created_at: string;
  stage_due_at: string | null;
  sort_key: string;
  product_name: string;
  product_slug: string;
  version: string | null;
  hostname: string;
  platform: string;
  requester: string;
  on_behalf_of: string | null;
}

/** One page of the requests waiting on the actor (see `inboxStatement` for the rule). */
export async function listInbox(actor: Actor, filter: InboxFilter = {}): Promise<InboxPage> {
  const pageSize = filter.pageSize ?? INBOX_PAGE_SIZE;
  const result = await getDb().execute<InboxSqlRow>(inboxStatement(actor.id, { ...filter, pageSize }));
  const total = Number(result.rows[0]?.total ?? 0);
  const found = result.rows.filter((r) => r.id !== null);
  const more = found.length > pageSize;
  const shown = found.slice(0, pageSize);
  const backwards = !filter.after && Boolean(filter.before);
  if (backwards) shown.reverse();
  const edge = (r: InboxSqlRow | undefined) => (r ? encodeInboxCursor({ key: r.sort_key, id: r.id! }) : null);
  const paged = Boolean(filter.after || filter.before);
  return {
    rows: shown.map(toEntry),
    total,
    nextCursor: backwards ? (paged ? edge(shown.at(-1)) : null) : more ? edge(shown.at(-1)) : null,
    prevCursor: backwards ? (more ? edge(shown[0]) : null) : paged ? edge(shown[0]) : null,
  };
}

const toEntry = (r: InboxSqlRow): InboxEntry => ({
  id: r.id!,
  productId: r.product_id,
  deviceId: r.device_id,
  status: r.status,
  closedReason: r.closed_reason,
  product: { name: r.product_name, slug: r.product_slug },
  version: r.version,
  device: { hostname: r.hostname, platform: r.platform },
  requester: r.requester,
  justification: r.justification,
  createdAt: new Date(r.created_at),
  stage: r.stage,
  stageDueAt: r.stage_due_at ? new Date(r.stage_due_at) : null,
  onBehalfOf: r.on_behalf_of,
});
