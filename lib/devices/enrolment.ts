import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { executeNamed } from '@/db/named';
import { devices, removals, users, type Platform } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { UnauthorizedError } from '@/lib/errors';
import { parseInput } from '@/lib/pipeline/schema';
import { takeEnrolAttempt, type EnrolLimits } from './enrol-limit';
import { enrolInput, type EnrolInput } from './schema';
import { bearerTokenHash, codeHash, newDeviceToken } from './secrets';

// One message for every way a code or token can fail, so callers learn nothing about which exist.
const BAD_CODE = 'This enrolment code is wrong, expired or already used. Create a new code under “My devices” in the portal.';
const UNAUTHORIZED = 'A valid device token is required: send "Authorization: Bearer pdt_…". Enrol the device again if it was retired.';
const LIVE = ['pending', 'active'] as const;
const ownerActive = sql`exists (select 1 from ${users} where ${users.id} = ${devices.ownerId} and ${users.active})`;

/** What a device's token stands for; the only thing device API calls are given. */
export interface AuthenticatedDevice {
  deviceId: string;
  ownerId: string;
  hostname: string;
  platform: Platform;
  /** As stored before this call: check-in writes it only when the agent reports another. */
  agentVersion: string | null;
  /** A removal waits for this device: check-in then reads it (most check-ins have none and skip the query). */
  removalPending: boolean;
}

/**
 * The agent trades a code for the device's token (shown here once, stored hashed). The code is
 * used up in the same conditional update that activates the device, so it works exactly once.
 * Given the caller's address, wrong codes are rate-limited per address and in total (429).
 */
export async function enrolDevice(
  input: EnrolInput,
  from?: { address: string; limits?: EnrolLimits },
): Promise<{ deviceId: string; token: string; hostname: string; platform: Platform }> {
  const data = parseInput(enrolInput, input);
  // Counted before the code is even looked at, so guessing is limited whatever the guess.
  const attempt = from ? await takeEnrolAttempt(from.address, from.limits) : undefined;
  const hash = codeHash(data.code);
  if (!hash) throw new UnauthorizedError(BAD_CODE);
  const { token, hash: tokenHash } = newDeviceToken();
  return getDb().transaction(async (tx) => {
    const [before] = await tx.select().from(devices).where(eq(devices.enrolCodeHash, hash)).for('update');
    const [d] = before
      ? await tx
          .update(devices)
          .set({
            status: 'active',
            tokenHash,
            enrolCodeHash: null,
            enrolCodeExpiresAt: null,
            agentVersion: data.agentVersion ?? before.agentVersion,
            serial: before.serial ?? data.serial ?? null,
            lastSeenAt: sql`now()`,
          })
          .where(
            and(
              eq(devices.id, before.id),
              eq(devices.enrolCodeHash, hash),
              sql`${devices.enrolCodeExpiresAt} > now()`,
              inArray(devices.status, [...LIVE]),
              ownerActive,
            ),
          )
          .returning()
      : [];
    if (!d) throw new UnauthorizedError(BAD_CODE);
    await attempt?.giveBack(tx);
    await recordAudit(
      {
        actor: { kind: 'device', id: d.id },
        action: 'device.enrolled',
        entityType: 'device',
        entityId: d.id,
        // A re-enrolment replaces the token: the agent that held the old one stops at once.
        after: { agentVersion: d.agentVersion, reportedHostname: data.hostname ?? null, reenrolled: before!.status === 'active' },
      },
      tx,
    );
    return { deviceId: d.id, token, hostname: d.hostname, platform: d.platform };
  });
}

interface AuthRow extends Record<string, unknown> {
  id: string;
  owner_id: string;
  hostname: string;
  platform: Platform;
  agent_version: string | null;
  removal_pending: boolean;
}

/**
 * Authenticate-and-touch in one statement: the active device whose token hashes to `hash`, of an
 * active owner, with whether a removal waits for it; `last_seen_at` is written only when it is more
 * than a minute old, so a busy fleet does not rewrite its rows on every call.
 */
export function deviceAuthSql(hash: string) {
  return sql`
    with found as (
      select d.id, d.owner_id, d.hostname, d.platform, d.agent_version, d.last_seen_at,
             exists (select 1 from ${removals} r where r.device_id = d.id and r.status = 'pending') as removal_pending
      from ${devices} d join ${users} u on u.id = d.owner_id and u.active
      where d.token_hash = ${hash} and d.status = 'active'
    ), touched as (
      update ${devices} set last_seen_at = now() from found
      where ${devices.id} = found.id and (found.last_seen_at is null or found.last_seen_at < now() - interval '1 minute')
    )
    select id, owner_id, hostname, platform, agent_version, removal_pending from found`;
}

/**
 * The device behind an `Authorization: Bearer pdt_…` header, in one round trip (deviceAuthSql),
 * run as a prepared statement: the device must be active and its owner still have an account.
 */
export async function authenticateDevice(authorization: string | null | undefined): Promise<AuthenticatedDevice> {
  const hash = bearerTokenHash(authorization);
  if (!hash) throw new UnauthorizedError(UNAUTHORIZED);
  const [d] = await executeNamed<AuthRow>('device_authenticate', deviceAuthSql(hash));
  if (!d) throw new UnauthorizedError(UNAUTHORIZED);
  return {
    deviceId: d.id,
    ownerId: d.owner_id,
    hostname: d.hostname,
    platform: d.platform,
    agentVersion: d.agent_version,
    removalPending: d.removal_pending,
  };
}
