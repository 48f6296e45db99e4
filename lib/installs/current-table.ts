import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { deviceCurrentInstalls, installEvents } from '@/db/schema';
import { rebuildAdoptionDays } from './adoption-days';
import { lockDeviceLedger } from './ledger-lock';

/*
 * What a device runs now is derived from the ledger, by this rule: per device and product, the
 * latest `install_succeeded` (by occurred_at, id) is current, unless an `uninstalled` of that same
 * release follows it. An uninstall of another release (the old version removed after an upgrade)
 * leaves the new one current; a failed install or a download changes nothing. adoption_days
 * (./adoption-days.ts) follows the same rule day by day.
 *
 * device_current_installs holds the rule's answer. It is recomputed from the ledger for exactly
 * the (device, product) pairs an install or uninstall touched, in the transaction that records
 * it: events arriving out of occurred_at order or retried are then handled by the rule itself,
 * which compares (occurred_at, id), rather than by a second incremental version of it. It can be
 * checked against the ledger at any time (`npm run db:check-current`), so readers use the table:
 * O(devices), not O(events).
 */

/** The rule as SQL: the current install of each (device, product) in scope. */
function derived(scope: SQL) {
  return sql`
    select l.device_id, l.product_id, l.release_id, l.artifact_id, l.sha256, l.request_id, l.deployment_id, l.occurred_at as since, l.id as event_id, l.user_reported
    from (
      select distinct on (e.device_id, e.product_id) e.id, e.device_id, e.product_id, e.release_id, e.artifact_id,
             e.sha256, e.request_id, e.deployment_id, e.occurred_at, e.user_reported
      from ${installEvents} e
      where e.type = 'install_succeeded' and ${scope}
      order by e.device_id, e.product_id, e.occurred_at desc, e.id desc
    ) l
    where not exists (
      select 1 from ${installEvents} u
      where u.device_id = l.device_id and u.product_id = l.product_id and u.release_id = l.release_id
        and u.type = 'uninstalled' and (u.occurred_at, u.id) > (l.occurred_at, l.id)
    )`;
}

const columns = sql`device_id, product_id, release_id, artifact_id, sha256, request_id, deployment_id, since, event_id, user_reported`;

/**
 * Brings one device's rows for these products up to date with the ledger. Call it in the
 * transaction that inserted the events. A per-device transaction lock serialises two reports
 * of the same device, so the second recomputes after the first committed and sees its events.
 */
export async function refreshCurrentInstalls(tx: DbOrTx, deviceId: string, productIds: string[]): Promise<void> {
  if (productIds.length === 0) return;
  const products = sql`(${sql.join(
    productIds.map((p) => sql`${p}::uuid`),
    sql`, `,
  )})`;
  await lockDeviceLedger(tx, deviceId);
  await tx.execute(sql`
    with now_current as (${derived(sql`e.device_id = ${deviceId} and e.product_id in ${products}`)}),
    gone as (
      delete from ${deviceCurrentInstalls} c
      where c.device_id = ${deviceId} and c.product_id in ${products}
        and not exists (select 1 from now_current n where n.product_id = c.product_id)
    )
    insert into ${deviceCurrentInstalls} (${columns}) select ${columns} from now_current
    on conflict (device_id, product_id) do update set
      release_id = excluded.release_id, artifact_id = excluded.artifact_id, sha256 = excluded.sha256,
      request_id = excluded.request_id, deployment_id = excluded.deployment_id, since = excluded.since, event_id = excluded.event_id,
      user_reported = excluded.user_reported`);
}

/**
 * Replaces the whole table, and the adoption tables kept beside it (./adoption-days.ts), with the
 * ledger's answer (bulk loads, such as the scale seeder, call this). Returns the table's rows.
 */
export async function rebuildCurrentInstalls(db: DbOrTx): Promise<number> {
  await rebuildAdoptionDays(db);
  await db.execute(sql`delete from ${deviceCurrentInstalls}`);
  const { rows } = await db.execute<{ n: number }>(sql`
    with ins as (insert into ${deviceCurrentInstalls} (${columns}) select ${columns} from (${derived(sql`true`)}) d returning 1)
    select count(*)::int as n from ins`);
  return Number(rows[0]?.n ?? 0);
}

export interface CurrentInstallsCheck {
  /** Rows the table holds. */
  rows: number;
  /** (device, product) pairs where the table and the ledger disagree (missing, extra or different). */
  mismatches: { deviceId: string; productId: string; table: string | null; ledger: string | null }[];
}

/** Rebuilds the answer from the ledger and compares it with the table, row by row. */
export async function checkCurrentInstalls(db: DbOrTx, limit = 100): Promise<CurrentInstallsCheck> {
  const [{ rows: count }, { rows: mismatches }] = await Promise.all([
    db.execute<{ n: number }>(sql`select count(*)::int as n from ${deviceCurrentInstalls}`),
    db.execute<{ device_id: string; product_id: string; table: string | null; ledger: string | null }>(sql`
      with ledger as (${derived(sql`true`)})
      select coalesce(t.device_id, l.device_id) as device_id, coalesce(t.product_id, l.product_id) as product_id,
             case when t.device_id is null then null else concat_ws(' ', t.release_id, t.artifact_id, t.sha256, t.request_id, t.deployment_id, t.since, t.event_id, t.user_reported) end as "table",
             case when l.device_id is null then null else concat_ws(' ', l.release_id, l.artifact_id, l.sha256, l.request_id, l.deployment_id, l.since, l.event_id, l.user_reported) end as ledger
      from ${deviceCurrentInstalls} t
      full join ledger l on l.device_id = t.device_id and l.product_id = t.product_id
      where (t.release_id, t.artifact_id, t.sha256, t.request_id, t.deployment_id, t.since, t.event_id, t.user_reported)
            is distinct from (l.release_id, l.artifact_id, l.sha256, l.request_id, l.deployment_id, l.since, l.event_id, l.user_reported)
      limit ${limit}`),
  ]);
  return {
    rows: Number(count[0]?.n ?? 0),
    mismatches: mismatches.map((m) => ({ deviceId: m.device_id, productId: m.product_id, table: m.table, ledger: m.ledger })),
  };
}
