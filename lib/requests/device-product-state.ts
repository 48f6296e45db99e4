import { and, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { deviceCurrentInstalls, devices, releases, serviceRequests, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { currentStage, stageApprovers } from './approvers';

/** What the ledger says is installed of a product on each of the actor's own devices. */
export async function installedOnMyDevices(actor: Actor, productId: string): Promise<Map<string, { version: string; releaseId: string }>> {
  const rows = await getDb()
    .select({ deviceId: deviceCurrentInstalls.deviceId, version: releases.version, releaseId: releases.id })
    .from(deviceCurrentInstalls)
    .innerJoin(devices, eq(devices.id, deviceCurrentInstalls.deviceId))
    .innerJoin(releases, eq(releases.id, deviceCurrentInstalls.releaseId))
    .where(and(eq(deviceCurrentInstalls.productId, productId), eq(devices.ownerId, actor.id)));
  return new Map(rows.map((r) => [r.deviceId, { version: r.version, releaseId: r.releaseId }]));
}

/**
 * Who each of the actor's pending requests is waiting for, by name (the manager, or the members
 * of the stage's group who may decide), so the page can say "waiting for Maria" rather than a
 * bare status. Requests of other people are ignored.
 */
export async function waitingFor(actor: Actor, requestIds: string[]): Promise<Map<string, string[]>> {
  if (requestIds.length === 0) return new Map();
  const db = getDb();
  const pending = await db
    .select()
    .from(serviceRequests)
    .where(
      and(
        inArray(serviceRequests.id, requestIds),
        eq(serviceRequests.requesterId, actor.id),
        eq(serviceRequests.status, 'pending_approval'),
      ),
    );
  const result = new Map<string, string[]>();
  for (const r of pending) {
    const stage = await currentStage(db, r);
    const ids = stage ? await stageApprovers(db, stage, r.requesterId) : [];
    const names = ids.length ? await db.select({ name: users.name }).from(users).where(inArray(users.id, ids)).orderBy(users.name) : [];
    result.set(
      r.id,
      names.map((n) => n.name),
    );
  }
  return result;
}

/** "Maria", "Maria or Tom", "Maria, Tom or 3 others". */
export function namesOr(names: string[]): string {
  if (names.length <= 1) return names[0] ?? 'an approver';
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return `${names.slice(0, 2).join(', ')} or ${names.length - 2} others`;
}
