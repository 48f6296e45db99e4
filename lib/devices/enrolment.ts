import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { devices, users, type Platform } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { UnauthorizedError } from '@/lib/errors';
import { parseInput } from '@/lib/pipeline/schema';
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
}

/**
 * The agent trades a code for the device's token (shown here once, stored hashed). The code is
 * used up in the same conditional update that activates the device, so it works exactly once.
 */
export async function enrolDevice(input: EnrolInput): Promise<{ deviceId: string; token: string; hostname: string; platform: Platform }> {
  const data = parseInput(enrolInput, input);
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

/**
 * The device behind an `Authorization: Bearer pdt_…` header. One conditional UPDATE checks that it
 * is active and its owner still has an account, and records that it was seen.
 */
export async function authenticateDevice(authorization: string | null | undefined): Promise<AuthenticatedDevice> {
  const hash = bearerTokenHash(authorization);
  if (!hash) throw new UnauthorizedError(UNAUTHORIZED);
  const [d] = await getDb()
    .update(devices)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(devices.tokenHash, hash), eq(devices.status, 'active'), ownerActive))
    .returning({ deviceId: devices.id, ownerId: devices.ownerId, hostname: devices.hostname, platform: devices.platform });
  if (!d) throw new UnauthorizedError(UNAUTHORIZED);
  return d;
}
