import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import { deviceKindValues, devices, environments } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, ConflictError, NotFoundError, retryOnContention, ValidationError } from '@/lib/errors';
import { parseInput } from '@/lib/pipeline/schema';
import { text } from '@/lib/text';

/** Blank form fields mean "not set" (site and country are optional). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable());

export const placementInput = z.object({
  kind: z.enum(deviceKindValues, { error: `Choose a kind: ${deviceKindValues.join(', ')}.` }),
  site: optional(text().trim().min(1, 'A site cannot be blank.').max(100, 'A site name is at most 100 characters.')),
  country: optional(
    text()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'A country is a two-letter ISO code such as DE.'),
  ),
  environment: text({ error: 'Choose an environment.' }).trim().min(1, 'Choose an environment.').max(32, 'Unknown environment.'),
});
export type PlacementInput = z.output<typeof placementInput>;

export interface DevicePlacement {
  id: string;
  kind: (typeof deviceKindValues)[number];
  site: string | null;
  country: string | null;
  environment: string;
}

const placementColumns = {
  id: devices.id,
  kind: devices.kind,
  site: devices.site,
  country: devices.country,
  environment: devices.environment,
};

/** Where a device is, for the desk's form. */
export async function getDevicePlacement(actor: Actor, deviceId: string): Promise<DevicePlacement> {
  assertRole(actor, 'service_desk', 'admin');
  assertId(deviceId, 'No such device.');
  const [row] = await getDb().select(placementColumns).from(devices).where(eq(devices.id, deviceId));
  if (!row) throw new NotFoundError('No such device.');
  return row;
}

/**
 * The desk places a device: its kind, site, country and environment, which target rules and the
 * environment gate read. Service desk and admins only; audited with before and after. The update
 * is conditional on the placement read, so of two desk agents saving different placements at once
 * the second is told (409) that the device changed rather than silently overwriting what it never saw.
 * Deployment assignments follow at the next sweep, as for any device joining or leaving a target.
 */
export async function setDevicePlacement(actor: Actor, deviceId: string, input: PlacementInput): Promise<DevicePlacement> {
  assertRole(actor, 'service_desk', 'admin');
  assertId(deviceId, 'No such device.');
  const data = parseInput(placementInput, input);
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [before] = await tx.select(placementColumns).from(devices).where(eq(devices.id, deviceId));
      if (!before) throw new NotFoundError('No such device.');
      const env = await tx.query.environments.findFirst({ where: eq(environments.key, data.environment) });
      if (!env) throw new ValidationError('No such environment.', 'environment');
      const [after] = await tx
        .update(devices)
        .set(data)
        .where(
          and(
            eq(devices.id, deviceId),
            eq(devices.kind, before.kind),
            eq(devices.environment, before.environment),
            before.site === null ? isNull(devices.site) : eq(devices.site, before.site),
            before.country === null ? isNull(devices.country) : eq(devices.country, before.country),
          ),
        )
        .returning(placementColumns);
      if (!after) throw new ConflictError('Someone else changed this device just now; reload and try again.');
      await recordAudit(
        { actor: { kind: 'user', id: actor.id }, action: 'device.placed', entityType: 'device', entityId: deviceId, before, after },
        tx,
      );
      return after;
    }),
  );
}
