import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db';

/** Advisory lock class for "the state derived from one device's install ledger" (the key is the device id's hash). */
const DEVICE_LEDGER_LOCK_CLASS = 80_917;

/**
 * Serialises, until the transaction ends, everything that derives state from one device's events
 * (device_current_installs, adoption_days): a second report of the same device then computes
 * after the first committed and sees its events. Taking it again in the same transaction is free.
 */
export async function lockDeviceLedger(tx: DbOrTx, deviceId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${DEVICE_LEDGER_LOCK_CLASS}, hashtext(${deviceId}))`);
}
