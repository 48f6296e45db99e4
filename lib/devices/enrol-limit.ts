import { sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { enrolAttempts } from '@/db/schema';
import { env } from '@/lib/env';
import { TooManyRequestsError } from '@/lib/errors';

export interface EnrolLimits {
  perAddress: number;
  total: number;
  windowMinutes: number;
}

export const defaultEnrolLimits = (): EnrolLimits => ({
  perAddress: env.ENROL_MAX_FAILURES_PER_ADDRESS,
  total: env.ENROL_MAX_FAILURES_TOTAL,
  windowMinutes: env.ENROL_WINDOW_MINUTES,
});

/** A slot taken for one attempt; a successful enrolment gives it back (only wrong codes count). */
export interface EnrolAttempt {
  giveBack(tx: DbOrTx): Promise<void>;
}

const addressScope = (address: string) => `address:${address}`;

/**
 * Takes one attempt from the caller's address and, while that is within its limit, from the
 * total, in one statement. The counters are upserts (`attempts + 1 … returning`), so a
 * concurrent burst is counted exactly and every app instance shares them. An address over its
 * limit does not use up the total, so one guesser cannot lock everyone else out.
 */
export async function takeEnrolAttempt(address: string, limits: EnrolLimits = defaultEnrolLimits()): Promise<EnrolAttempt> {
  const window = sql`date_bin(make_interval(mins => ${limits.windowMinutes}), now(), timestamptz '2000-01-01 00:00:00+00')`;
  const { rows } = await getDb().execute<{ by_address: number; total: number | null; retry_after: number; window_start: string }>(sql`
    with expired as (
      -- Keeps the table small: windows older than a day count for nothing (a few rows per call).
      delete from ${enrolAttempts} where ctid in (
        select ctid from ${enrolAttempts} where window_start < now() - interval '1 day' limit 20
      )
    ), a as (
      insert into ${enrolAttempts} (scope, window_start, attempts) values (${addressScope(address)}, ${window}, 1)
      on conflict (scope, window_start) do update set attempts = ${enrolAttempts}.attempts + 1
      returning attempts, window_start
    ), t as (
      insert into ${enrolAttempts} (scope, window_start, attempts)
      select 'total', a.window_start, 1 from a where a.attempts <= ${limits.perAddress}
      on conflict (scope, window_start) do update set attempts = ${enrolAttempts}.attempts + 1
      returning attempts
    )
    select a.attempts as by_address, a.window_start::text as window_start, (select attempts from t) as total,
           ceil(extract(epoch from a.window_start + make_interval(mins => ${limits.windowMinutes}) - now()))::int as retry_after
    from a`);
  const r = rows[0]!;
  const retryAfter = Math.max(1, Number(r.retry_after));
  if (Number(r.by_address) > limits.perAddress) {
    throw new TooManyRequestsError(`Too many enrolment attempts from this address. Try again in ${retryAfter} seconds.`, retryAfter);
  }
  if (Number(r.total) > limits.total) {
    throw new TooManyRequestsError(`Too many enrolment attempts at the moment. Try again in ${retryAfter} seconds.`, retryAfter);
  }
  return {
    giveBack: async (tx) => {
      await tx.execute(sql`
        update ${enrolAttempts} set attempts = attempts - 1
        where scope in (${addressScope(address)}, 'total') and window_start = ${r.window_start}::timestamptz and attempts > 0`);
    },
  };
}
