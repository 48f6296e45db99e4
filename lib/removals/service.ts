import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { deploymentAssignments, deployments, deviceCurrentInstalls, devices, products, removals, type Removal } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { hasRole, type Actor } from '@/lib/auth/roles';
import { assertId, ConflictError, NotFoundError } from '@/lib/errors';
import { notify } from '@/lib/notifications/service';
import { parseInput } from '@/lib/pipeline/schema';
import { removalActionInput, requestRemovalInput, type RequestRemovalInput } from './schema';

const NO_DEVICE = 'No such device of yours.';

/** The device, locked, if the actor may ask for removals on it: its owner, or the service desk. */
async function lockDeviceFor(tx: Tx, actor: Actor, deviceId: string) {
  const [device] = await tx.select().from(devices).where(eq(devices.id, deviceId)).for('update');
  // Someone else's device is answered like a missing one (its existence is not the asker's business).
  if (!device || (device.ownerId !== actor.id && !hasRole(actor, 'service_desk'))) throw new NotFoundError(NO_DEVICE, 'deviceId');
  if (device.status !== 'active') throw new ConflictError('Only an enrolled, active device can remove software.', 'deviceId');
  return device;
}

/**
 * Asks the device's agent to remove a product it has installed (per the ledger). Nothing ends
 * now: the entitlement and its licence seat end when the agent reports `uninstalled`
 * (lib/installs/record.ts). Refused while a required deployment assigns the product to the
 * device: its agent would only install it again at the next sync.
 */
export async function requestRemoval(actor: Actor, raw: RequestRemovalInput): Promise<Removal> {
  const input = parseInput(requestRemovalInput, raw);
  assertId(input.deviceId, NO_DEVICE, 'deviceId');
  return getDb().transaction(async (tx) => {
    const device = await lockDeviceFor(tx, actor, input.deviceId);
    const [installed] = await tx
      .select({
        productId: deviceCurrentInstalls.productId,
        releaseId: deviceCurrentInstalls.releaseId,
        artifactId: deviceCurrentInstalls.artifactId,
        name: products.name,
      })
      .from(deviceCurrentInstalls)
      .innerJoin(products, eq(products.id, deviceCurrentInstalls.productId))
      .where(and(eq(deviceCurrentInstalls.deviceId, device.id), eq(products.slug, input.productSlug)));
    if (!installed) throw new NotFoundError('The portal has no record of that software installed on this device.', 'productSlug');
    const [required] = await tx
      .select({ name: deployments.name })
      .from(deploymentAssignments)
      .innerJoin(deployments, eq(deployments.id, deploymentAssignments.deploymentId))
      .where(
        and(
          eq(deploymentAssignments.deviceId, device.id),
          sql`${deploymentAssignments.endedAt} is null`,
          eq(deployments.productId, installed.productId),
          eq(deployments.intent, 'required'),
          inArray(deployments.status, ['scheduled', 'active']),
        ),
      )
      .limit(1);
    if (required) {
      throw new ConflictError(
        `${installed.name} is required on this device by the deployment “${required.name}”, so it cannot be removed; ask the service desk.`,
        'productSlug',
      );
    }
    const [created] = await tx
      .insert(removals)
      .values({
        deviceId: device.id,
        productId: installed.productId,
        releaseId: installed.releaseId,
        artifactId: installed.artifactId,
        requestedById: actor.id,
        reason: input.reason,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) throw new ConflictError(`Removal of ${installed.name} is already requested for this device.`, 'productSlug');
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'removal.requested',
        entityType: 'removal',
        entityId: created.id,
        after: { deviceId: device.id, productId: installed.productId, releaseId: installed.releaseId, reason: input.reason },
      },
      tx,
    );
    // The desk acting on someone's device tells its owner, who can still cancel it on My software.
    if (device.ownerId && device.ownerId !== actor.id) {
      await notify(tx, [device.ownerId], {
        kind: 'removal_requested',
        title: `${actor.name} asked for ${installed.name} to be removed from ${device.hostname}`,
        body: input.reason
          ? `Reason: ${input.reason}`
          : 'The agent removes it at its next sync; you can cancel it on the device’s software page until then.',
        link: `/devices/${device.id}/software`,
      });
    }
    return created;
  });
}

/** Locks an open removal the actor may act on (via its device). */
async function lockRemoval(tx: Tx, actor: Actor, removalId: string): Promise<Removal> {
  assertId(removalId, 'No such removal.', 'removalId');
  const [removal] = await tx.select().from(removals).where(eq(removals.id, removalId)).for('update');
  if (!removal) throw new NotFoundError('No such removal.', 'removalId');
  await lockDeviceFor(tx, actor, removal.deviceId).catch((e: unknown) => {
    throw e instanceof NotFoundError ? new NotFoundError('No such removal.', 'removalId') : e;
  });
  return removal;
}

/** A failed removal is offered to the agent again at its next sync. */
export async function retryRemoval(actor: Actor, raw: { removalId: string }): Promise<void> {
  const { removalId } = parseInput(removalActionInput, raw);
  await getDb().transaction(async (tx) => {
    const removal = await lockRemoval(tx, actor, removalId);
    if (removal.status !== 'failed')
      throw new ConflictError(`This removal is ${removal.status}, not failed; nothing to retry.`, 'removalId');
    await tx
      .update(removals)
      .set({ status: 'pending', attempts: sql`${removals.attempts} + 1`, updatedAt: sql`now()` })
      .where(eq(removals.id, removal.id));
    await recordAudit(
      { actor: { kind: 'user', id: actor.id }, action: 'removal.retried', entityType: 'removal', entityId: removal.id },
      tx,
    );
  });
}

/**
 * Withdraws a pending or failed removal: the software stays and keeps its entitlement. An agent
 * that already started may still report `uninstalled`; the ledger then ends the entitlement anyway.
 */
export async function cancelRemoval(actor: Actor, raw: { removalId: string }): Promise<void> {
  const { removalId } = parseInput(removalActionInput, raw);
  await getDb().transaction(async (tx) => {
    const removal = await lockRemoval(tx, actor, removalId);
    if (removal.status !== 'pending' && removal.status !== 'failed') {
      throw new ConflictError(`This removal is already ${removal.status}.`, 'removalId');
    }
    await tx
      .update(removals)
      .set({ status: 'cancelled', updatedAt: sql`now()`, endedAt: sql`now()` })
      .where(eq(removals.id, removal.id));
    await recordAudit(
      { actor: { kind: 'user', id: actor.id }, action: 'removal.cancelled', entityType: 'removal', entityId: removal.id },
      tx,
    );
  });
}

/**
 * The ledger's side (called in the transaction that records the device's report): `uninstalled`
 * closes the device's open removal of that product as done, `uninstall_failed` marks a pending
 * one failed with the agent's error, so the owner can retry or cancel.
 */
export async function settleRemovals(
  tx: Tx,
  deviceId: string,
  outcomes: { productId: string; type: 'uninstalled' | 'uninstall_failed'; errorText: string | null }[],
): Promise<void> {
  for (const o of outcomes) {
    const done = o.type === 'uninstalled';
    const updated = await tx
      .update(removals)
      .set(
        done
          ? { status: 'done', updatedAt: sql`now()`, endedAt: sql`now()`, errorText: null }
          : { status: 'failed', updatedAt: sql`now()`, errorText: o.errorText ?? 'The uninstall failed (no error text).' },
      )
      .where(
        and(
          eq(removals.deviceId, deviceId),
          eq(removals.productId, o.productId),
          inArray(removals.status, done ? ['pending', 'failed'] : ['pending']),
        ),
      )
      .returning({ id: removals.id });
    for (const r of updated) {
      await recordAudit(
        {
          actor: { kind: 'device', id: deviceId },
          action: done ? 'removal.done' : 'removal.failed',
          entityType: 'removal',
          entityId: r.id,
        },
        tx,
      );
    }
  }
}
