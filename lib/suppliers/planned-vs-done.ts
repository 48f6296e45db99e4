import { sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { assertRole, type Actor } from '@/lib/auth/roles';

/**
 * Announced supplier work set against what the supplier then reported, per announcement: the
 * items it named, and for each the latest report (succeeded, failed, rolled back, started) or
 * none yet. "Overdue" is an announcement whose window has closed with items never reported as
 * finished — the planned work the organisation cannot tell happened.
 */
export interface AnnouncementOutcome {
  id: string;
  supplier: string;
  component: string;
  version: string;
  windowStart: Date;
  windowEnd: Date;
  changeRef: string | null;
  items: number;
  succeeded: number;
  failed: number;
  rolledBack: number;
  started: number;
  unreported: number;
  state: 'upcoming' | 'in window' | 'done' | 'overdue';
}

export async function supplierPlannedAgainstDone(actor: Actor, now = new Date(), daysBack = 60): Promise<AnnouncementOutcome[]> {
  assertRole(actor, 'service_desk', 'admin', 'deployment_manager', 'change_manager');
  const since = new Date(now.getTime() - daysBack * 86_400_000);
  const { rows } = await getDb().execute<{
    id: string;
    supplier: string;
    component: string;
    version: string;
    window_start: string | Date;
    window_end: string | Date;
    change_ref: string | null;
    items: number;
    succeeded: number;
    failed: number;
    rolled_back: number;
    started: number;
    unreported: number;
  }>(sql`
    select a.id, s.name as supplier, a.component, a.version, a.window_start, a.window_end, a.change_ref,
           count(*)::int as items,
           count(*) filter (where last.status = 'succeeded')::int as succeeded,
           count(*) filter (where last.status = 'failed')::int as failed,
           count(*) filter (where last.status = 'rolled_back')::int as rolled_back,
           count(*) filter (where last.status = 'started')::int as started,
           count(*) filter (where last.status is null)::int as unreported
      from supplier_announcements a
      join suppliers s on s.id = a.supplier_id
      join supplier_announcement_items i on i.announcement_id = a.id
      left join lateral (
        select e.status from supplier_events e
         where e.announcement_id = a.id and e.device_id = i.device_id
         order by e.occurred_at desc, e.id desc
         limit 1
      ) last on true
     where a.window_end >= ${since.toISOString()}::timestamptz
     group by a.id, s.name
     order by a.window_start desc, a.id
     limit 200`);
  return rows.map((r) => {
    const windowStart = new Date(r.window_start);
    const windowEnd = new Date(r.window_end);
    const open = r.started + r.unreported;
    const state: AnnouncementOutcome['state'] =
      now < windowStart ? 'upcoming' : open === 0 ? 'done' : now <= windowEnd ? 'in window' : 'overdue';
    return {
      id: r.id,
      supplier: r.supplier,
      component: r.component,
      version: r.version,
      windowStart,
      windowEnd,
      changeRef: r.change_ref,
      items: r.items,
      succeeded: r.succeeded,
      failed: r.failed,
      rolledBack: r.rolled_back,
      started: r.started,
      unreported: r.unreported,
      state,
    };
  });
}
