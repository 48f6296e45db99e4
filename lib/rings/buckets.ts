import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';

/** Buckets run 0..9999, so a percentage phase of p % takes buckets below p × 100. */
export const BUCKETS = 10_000;

/**
 * A device's bucket in one deployment: the first 32 bits of md5(device id ‖ deployment id),
 * modulo 10,000. Stable (nothing stored, nothing random), different per deployment (the same
 * devices are not always the pilots), and the same in SQL and here, so assignment and gate
 * evaluation stay set-based while tests and views can compute it too.
 */
export function bucketOf(deviceId: string, deploymentId: string): number {
  const hex = createHash('md5').update(`${deviceId}${deploymentId}`).digest('hex').slice(0, 8);
  return Number.parseInt(hex, 16) % BUCKETS;
}

/** bucketOf in SQL, over any two uuid (or text) expressions. */
export function bucketSql(deviceId: SQL | string, deploymentId: SQL | string): SQL {
  return sql`((('x' || substr(md5(${deviceId}::text || ${deploymentId}::text), 1, 8))::bit(32)::bigint) % ${BUCKETS})`;
}
