import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { adoptionDays, adoptionErrorDays, installEvents } from '@/db/schema';
import { lockDeviceLedger } from './ledger-lock';

/*
 * adoption_days and adoption_error_days hold what the adoption view used to compute from the
 * ledger on every view: per product, artifact and UTC day, the change in devices whose current
 * install is that artifact, the successes and the failures; per product, day and error text, the
 * failures. Their size follows artifacts × days, not events.
 *
 * The device counts follow the rule of ./current-table.ts, at day granularity. An
 * install_succeeded is current from its day until the day of the first later event (by
 * occurred_at, id) of the same device and product that ends it: the next install_succeeded, or an
 * uninstalled of the same release. So each install contributes +1 on its day and −1 on that end day (nothing when both are
 * the same day); the sum of a release's rows up to day D is the number of devices on it at D's
 * end, and the sum of all of them equals device_current_installs. The timeline cannot be read off
 * device_current_installs.since instead: that keeps only the latest install, not who ran a
 * version earlier and later upgraded or removed it.
 *
 * A late event changes the spans of its device's other events, so recording events subtracts the
 * device's spans without them and adds its spans with them, for the products they touch, under
 * the device's ledger lock. Successes, failures and errors only ever add up.
 */

const utcDay = (t: SQL) => sql`(${t} at time zone 'UTC')::date`;

/** Each install_succeeded among the events in scope, with the day it became current and the day it stopped (or null). */
function installSpans(scope: SQL) {
  const following = sql`order by e.occurred_at, e.id rows between 1 following and unbounded following`;
  return sql`
    select s.product_id, s.release_id, s.artifact_id, ${utcDay(sql`s.occurred_at`)} as start_day,
           ${utcDay(sql`least(s.next_install, s.next_uninstall)`)} as end_day
    from (
      select e.type, e.product_id, e.release_id, e.artifact_id, e.occurred_at,
             min(e.occurred_at) filter (where e.type = 'install_succeeded')
               over (partition by e.device_id, e.product_id ${following}) as next_install,
             min(e.occurred_at) filter (where e.type = 'uninstalled')
               over (partition by e.device_id, e.product_id, e.release_id ${following}) as next_uninstall
      from ${installEvents} e
      where e.type in ('install_succeeded', 'uninstalled') and ${scope}
    ) s
    where s.type = 'install_succeeded'`;
}

/**
 * The device-count changes the installs in scope make, times `sign`, as rows of
 * (product_id, release_id, artifact_id, day, devices, succeeded, failed).
 */
function spanChanges(scope: SQL, sign: 1 | -1) {
  return sql`
    select s.product_id, s.release_id, s.artifact_id, v.day, v.devices, 0 as succeeded, 0 as failed
    from (${installSpans(scope)}) s
    cross join lateral (values (s.start_day, ${sql.raw(String(sign))}), (s.end_day, ${sql.raw(String(-sign))})) v(day, devices)
    where v.day is not null`;
}

/** The successes and failures among the events in scope, in the same shape. */
function outcomeChanges(scope: SQL) {
  return sql`
    select e.product_id, e.release_id, e.artifact_id, ${utcDay(sql`e.occurred_at`)} as day, 0 as devices,
           (e.type = 'install_succeeded')::int as succeeded, (e.type = 'install_failed')::int as failed
    from ${installEvents} e
    where e.type in ('install_succeeded', 'install_failed') and ${scope}`;
}

/** Changes summed per row key; rows that sum to nothing are left out. */
function summed(changes: SQL) {
  return sql`
    select product_id, release_id, artifact_id, day, sum(devices)::int as devices_delta, sum(succeeded)::int as succeeded,
           sum(failed)::int as failed
    from (${changes}) c
    group by product_id, release_id, artifact_id, day
    having sum(devices) <> 0 or sum(succeeded) <> 0 or sum(failed) <> 0`;
}

/** Failures with an error text among the events in scope, per (product_id, day, error_text). */
function errorRows(scope: SQL) {
  return sql`
    select e.product_id, ${utcDay(sql`e.occurred_at`)} as day, left(e.error_text, 200) as error_text, count(*)::int as failures,
           max(e.occurred_at) as last_at
    from ${installEvents} e
    where e.type = 'install_failed' and e.error_text is not null and ${scope}
    group by 1, 2, 3`;
}

/** The whole answer from the ledger. */
const ledgerDays = () => summed(sql`${spanChanges(sql`true`, 1)} union all ${outcomeChanges(sql`true`)}`);

/**
 * Adds events this transaction just inserted for one device to adoption_days and
 * adoption_error_days. Call it in that transaction, last (its rows are shared by every device
 * reporting the same artifact that day, so their locks are best held briefly); rows are locked in
 * key order, so two reports cannot deadlock on them.
 */
export async function foldIntoAdoptionDays(tx: DbOrTx, deviceId: string, eventIds: number[]): Promise<void> {
  if (eventIds.length === 0) return;
  const ids = sql.join(
    eventIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const fresh = sql`e.device_id = ${deviceId} and e.id in (${ids})`;
  // Every install and uninstall of this device for the products the new ones touch.
  const touched = sql`e.device_id = ${deviceId} and e.product_id in (
    select f.product_id from ${installEvents} f
    where f.device_id = ${deviceId} and f.id in (${ids}) and f.type in ('install_succeeded', 'uninstalled'))`;
  await lockDeviceLedger(tx, deviceId);
  await tx.execute(sql`
    insert into ${adoptionDays} (product_id, release_id, artifact_id, day, devices_delta, succeeded, failed)
    select * from (${summed(sql`
      ${spanChanges(touched, 1)}
      union all ${spanChanges(sql`${touched} and e.id not in (${ids})`, -1)}
      union all ${outcomeChanges(fresh)}`)}) s
    order by product_id, day, artifact_id
    on conflict (product_id, day, artifact_id) do update set
      devices_delta = ${adoptionDays}.devices_delta + excluded.devices_delta,
      succeeded = ${adoptionDays}.succeeded + excluded.succeeded,
      failed = ${adoptionDays}.failed + excluded.failed`);
  await tx.execute(sql`
    insert into ${adoptionErrorDays} (product_id, day, error_text, failures, last_at)
    select * from (${errorRows(fresh)}) r
    order by product_id, day, error_text
    on conflict (product_id, day, error_text) do update set
      failures = ${adoptionErrorDays}.failures + excluded.failures,
      last_at = greatest(${adoptionErrorDays}.last_at, excluded.last_at)`);
}

/** Replaces both tables with the ledger's answer (bulk loads call this through rebuildCurrentInstalls). */
export async function rebuildAdoptionDays(db: DbOrTx): Promise<void> {
  await db.execute(sql`delete from ${adoptionErrorDays}`);
  await db.execute(sql`delete from ${adoptionDays}`);
  await db.execute(sql`
    insert into ${adoptionDays} (product_id, release_id, artifact_id, day, devices_delta, succeeded, failed)
    ${ledgerDays()}`);
  await db.execute(sql`
    insert into ${adoptionErrorDays} (product_id, day, error_text, failures, last_at)
    ${errorRows(sql`true`)}`);
}

export interface AdoptionDaysCheck {
  /** Rows where adoption_days and the ledger disagree (a missing row counts as zeros). */
  days: { productId: string; artifactId: string; day: string; table: string | null; ledger: string | null }[];
  /** Rows where adoption_error_days and the ledger disagree. */
  errors: { productId: string; day: string; errorText: string; table: string | null; ledger: string | null }[];
}

/** Rebuilds both tables' answer from the ledger and compares it with them, row by row. */
export async function checkAdoptionDays(db: DbOrTx, limit = 100): Promise<AdoptionDaysCheck> {
  type DayRow = { product_id: string; artifact_id: string; day: string; table: string | null; ledger: string | null };
  type ErrorRow = { product_id: string; day: string; error_text: string; table: string | null; ledger: string | null };
  const [{ rows: days }, { rows: errors }] = await Promise.all([
    db.execute<DayRow>(sql`
      with ledger as (${ledgerDays()}),
           kept as (select * from ${adoptionDays} where devices_delta <> 0 or succeeded <> 0 or failed <> 0)
      select coalesce(t.product_id, l.product_id) as product_id, coalesce(t.artifact_id, l.artifact_id) as artifact_id,
             coalesce(t.day, l.day)::text as day,
             case when t.product_id is null then null else concat_ws(' ', t.release_id, t.devices_delta, t.succeeded, t.failed) end as "table",
             case when l.product_id is null then null else concat_ws(' ', l.release_id, l.devices_delta, l.succeeded, l.failed) end as ledger
      from kept t
      full join ledger l on l.product_id = t.product_id and l.artifact_id = t.artifact_id and l.day = t.day
      where (t.release_id, t.devices_delta, t.succeeded, t.failed) is distinct from (l.release_id, l.devices_delta, l.succeeded, l.failed)
      limit ${limit}`),
    db.execute<ErrorRow>(sql`
      with ledger as (${errorRows(sql`true`)})
      select coalesce(t.product_id, l.product_id) as product_id, coalesce(t.day, l.day)::text as day,
             coalesce(t.error_text, l.error_text) as error_text,
             case when t.product_id is null then null else concat_ws(' ', t.failures, t.last_at) end as "table",
             case when l.product_id is null then null else concat_ws(' ', l.failures, l.last_at) end as ledger
      from ${adoptionErrorDays} t
      full join ledger l on l.product_id = t.product_id and l.day = t.day and l.error_text = t.error_text
      where (t.failures, t.last_at) is distinct from (l.failures, l.last_at)
      limit ${limit}`),
  ]);
  return {
    days: days.map((r) => ({ productId: r.product_id, artifactId: r.artifact_id, day: r.day, table: r.table, ledger: r.ledger })),
    errors: errors.map((r) => ({ productId: r.product_id, day: r.day, errorText: r.error_text, table: r.table, ledger: r.ledger })),
  };
}
