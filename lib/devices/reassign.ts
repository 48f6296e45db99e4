import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import { devices, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { ConflictError, NotFoundError, retryOnContention, ValidationError } from '@/lib/errors';
import { text } from '@/lib/text';

export const reassignInput = z.object({
  ownerEmail: text()
    .trim()
    .min(1, 'Enter the new owner’s e-mail address.')
    .max(254, 'An email address is at most 254 characters.')
    .pipe(z.email('Enter a valid email address.'))
    .transform((e) => e.toLowerCase()),
});

/**
 * The service desk gives a device a new owner, typically one left ownerless when its owner was
 * deactivated at the identity provider. The new owner must be an active account without a live
 * device of the same name. Audited with the old and new owner.
 */
export async function reassignDevice(actor: Actor, deviceId: string, ownerEmail: string): Promise<void> {
  assertRole(actor, 'service_desk', 'admin');
  if (!z.uuid().safeParse(deviceId).success) throw new NotFoundError('No such device.', 'deviceId');
  const { ownerEmail: email } = reassignInput.parse({ ownerEmail });
  await retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [d] = await tx.select().from(devices).where(eq(devices.id, deviceId)).for('update');
      if (!d) throw new NotFoundError('No such device.', 'deviceId');
      const owner = await tx.query.users.findFirst({ where: and(eq(users.email, email), eq(users.active, true)) });
      if (!owner) throw new ValidationError('No active account has that e-mail address.', 'ownerEmail');
      if (owner.id === d.ownerId) throw new ConflictError(`${owner.name} owns this device already.`, 'ownerEmail');
      const [clash] = await tx
        .select({ id: devices.id })
        .from(devices)
        .where(
          and(
            eq(devices.ownerId, owner.id),
            sql`lower(${devices.hostname}) = lower(${d.hostname})`,
            inArray(devices.status, ['pending', 'active']),
            ne(devices.id, d.id),
          ),
        )
        .limit(1);
      if (clash) throw new ValidationError(`${owner.name} already has a device named ${d.hostname}.`, 'ownerEmail');
      const moved = await tx
        .update(devices)
        .set({ ownerId: owner.id })
        .where(and(eq(devices.id, d.id), d.ownerId ? or(isNull(devices.ownerId), eq(devices.ownerId, d.ownerId)) : isNull(devices.ownerId)))
        .returning({ id: devices.id });
      if (!moved.length) throw new ConflictError('Someone changed this device’s owner just now. Reload and try again.');
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: 'device.owner_reassigned',
          entityType: 'device',
          entityId: d.id,
          before: { ownerId: d.ownerId },
          after: { ownerId: owner.id },
        },
        tx,
      );
    }),
  );
}
