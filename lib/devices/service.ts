import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Tx } from '@/db';
import { devices, type Device, type Platform } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { parseInput } from '@/lib/pipeline/schema';
import { releaseDeviceHoldings } from './end';
import { ENROL_CODE_MINUTES, registerDeviceInput, renameDeviceInput, revokeDeviceInput, type RegisterDeviceInput } from './schema';
import { newCode } from './secrets';

// The agent-facing half (enrolment, token checks) lives beside this file; callers import both from here.
export { authenticateDevice, enrolDevice, type AuthenticatedDevice } from './enrolment';

type DeviceStatusValue = Device['status'];

export interface DeviceView {
  id: string;
  hostname: string;
  platform: Platform;
  serial: string | null;
  status: DeviceStatusValue;
  agentVersion: string | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  /** Until when an unused enrolment code is valid; null when none is outstanding. */
  enrolCodeExpiresAt: Date | null;
}

/** A code to show once; the database has only its hash. */
export interface EnrolmentCode {
  code: string;
  expiresAt: Date;
}

const LIVE: DeviceStatusValue[] = ['pending', 'active'];

const view = (d: Device): DeviceView => ({
  id: d.id,
  hostname: d.hostname,
  platform: d.platform,
  serial: d.serial,
  status: d.status,
  agentVersion: d.agentVersion,
  lastSeenAt: d.lastSeenAt,
  createdAt: d.createdAt,
  enrolCodeExpiresAt: d.enrolCodeHash ? d.enrolCodeExpiresAt : null,
});
const userActor = (a: Actor): AuditActor => ({ kind: 'user', id: a.id });
const codeExpiry = () => new Date(Date.now() + ENROL_CODE_MINUTES * 60_000);

/** The actor's own device, locked for the change; anyone else's is answered as missing. */
async function lockOwnDevice(tx: Tx, actor: Actor, id: string): Promise<Device> {
  const [d] = z.uuid().safeParse(id).success ? await tx.select().from(devices).where(eq(devices.id, id)).for('update') : [];
  if (!d || d.ownerId !== actor.id) throw new NotFoundError('No such device of yours.', 'deviceId');
  return d;
}

async function assertNameFree(tx: Tx, ownerId: string, hostname: string, exceptId?: string): Promise<void> {
  const [clash] = await tx
    .select({ id: devices.id })
    .from(devices)
    .where(
      and(
        eq(devices.ownerId, ownerId),
        sql`lower(${devices.hostname}) = lower(${hostname})`,
        inArray(devices.status, LIVE),
        exceptId ? ne(devices.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (clash) throw new ValidationError(`You already have a device named ${hostname}.`, 'hostname');
}

/** A signed-in person adds a device: it is pending until its agent enrols with the code returned here. */
export async function registerDevice(actor: Actor, input: RegisterDeviceInput): Promise<{ device: DeviceView; enrolment: EnrolmentCode }> {
  const data = parseInput(registerDeviceInput, input);
  const { code, hash } = newCode();
  const expiresAt = codeExpiry();
  const device = await getDb().transaction(async (tx) => {
    await assertNameFree(tx, actor.id, data.hostname);
    const [row] = await tx
      .insert(devices)
      .values({ ownerId: actor.id, ...data, status: 'pending', enrolCodeHash: hash, enrolCodeExpiresAt: expiresAt })
      .returning();
    const after = { hostname: row!.hostname, platform: row!.platform, serial: row!.serial, status: row!.status };
    await recordAudit({ actor: userActor(actor), action: 'device.registered', entityType: 'device', entityId: row!.id, after }, tx);
    return row!;
  });
  return { device: view(device), enrolment: { code, expiresAt } };
}

/** A new one-time code for one of the actor's devices (to enrol it, or re-enrol it); the old code stops working. */
export async function newEnrolmentCode(actor: Actor, deviceId: string): Promise<EnrolmentCode> {
  const { code, hash } = newCode();
  const expiresAt = codeExpiry();
  await getDb().transaction(async (tx) => {
    const d = await lockOwnDevice(tx, actor, deviceId);
    if (!LIVE.includes(d.status)) throw new ConflictError(`${d.hostname} is ${d.status}; add it again as a new device.`, 'deviceId');
    await tx.update(devices).set({ enrolCodeHash: hash, enrolCodeExpiresAt: expiresAt }).where(eq(devices.id, d.id));
    await recordAudit(
      { actor: userActor(actor), action: 'device.enrolment_code_issued', entityType: 'device', entityId: d.id, after: { expiresAt } },
      tx,
    );
  });
  return { code, expiresAt };
}

export async function renameDevice(actor: Actor, id: string, hostname: string): Promise<DeviceView> {
  const data = parseInput(renameDeviceInput, { hostname });
  const row = await getDb().transaction(async (tx) => {
    const d = await lockOwnDevice(tx, actor, id);
    if (!LIVE.includes(d.status)) throw new ConflictError(`${d.hostname} is ${d.status} and can no longer be changed.`, 'deviceId');
    if (d.hostname === data.hostname) return d;
    await assertNameFree(tx, actor.id, data.hostname, d.id);
    const [after] = await tx.update(devices).set({ hostname: data.hostname }).where(eq(devices.id, d.id)).returning();
    await recordAudit(
      {
        actor: userActor(actor),
        action: 'device.renamed',
        entityType: 'device',
        entityId: d.id,
        before: { hostname: d.hostname },
        after: { hostname: data.hostname },
      },
      tx,
    );
    return after!;
  });
  return view(row);
}

/** Ends a device's service: its token and code stop at once; see releaseDeviceHoldings for what it gives back. */
async function endDevice(d: Device, to: 'retired' | 'revoked', actor: Actor, tx: Tx, reason: string): Promise<void> {
  const [after] = await tx
    .update(devices)
    .set({ status: to, tokenHash: null, enrolCodeHash: null, enrolCodeExpiresAt: null })
    .where(and(eq(devices.id, d.id), inArray(devices.status, LIVE)))
    .returning();
  if (!after) throw new ConflictError(`${d.hostname} is already ${d.status}.`, 'deviceId');
  await recordAudit(
    {
      actor: userActor(actor),
      action: `device.${to}`,
      entityType: 'device',
      entityId: d.id,
      before: { status: d.status },
      after: { status: to, reason },
    },
    tx,
  );
  return releaseDeviceHoldings(tx, d.id, userActor(actor), reason);
}

/** The owner retires their device (sold, replaced, wiped). */
export async function retireDevice(actor: Actor, id: string): Promise<DeviceView> {
  await getDb().transaction(async (tx) => {
    const d = await lockOwnDevice(tx, actor, id);
    if (!LIVE.includes(d.status)) throw new ConflictError(`${d.hostname} is already ${d.status}.`, 'deviceId');
    await endDevice(d, 'retired', actor, tx, `Device ${d.hostname} was retired by its owner`);
  });
  return view((await getDb().query.devices.findFirst({ where: eq(devices.id, id) }))!);
}

/** The service desk or an admin revokes a device (lost, stolen, compromised). Revoking it again changes nothing. */
export async function revokeDevice(actor: Actor, id: string, reason: string): Promise<DeviceView> {
  assertRole(actor, 'service_desk', 'admin');
  const data = parseInput(revokeDeviceInput, { reason });
  if (!z.uuid().safeParse(id).success) throw new NotFoundError('No such device.', 'deviceId');
  await getDb().transaction(async (tx) => {
    const [d] = await tx.select().from(devices).where(eq(devices.id, id)).for('update');
    if (!d) throw new NotFoundError('No such device.', 'deviceId');
    if (d.status === 'revoked') return;
    if (d.status === 'retired') throw new ConflictError(`${d.hostname} is retired already; nothing can be pulled for it.`, 'deviceId');
    await endDevice(d, 'revoked', actor, tx, data.reason);
  });
  return view((await getDb().query.devices.findFirst({ where: eq(devices.id, id) }))!);
}

const order: Record<DeviceStatusValue, number> = { active: 0, pending: 1, retired: 2, revoked: 3 };

/** The actor's devices: in service first, then by name. */
export async function listMyDevices(actor: Actor): Promise<DeviceView[]> {
  const rows = await getDb().select().from(devices).where(eq(devices.ownerId, actor.id));
  return rows.map(view).sort((a, b) => order[a.status] - order[b.status] || a.hostname.localeCompare(b.hostname));
}
