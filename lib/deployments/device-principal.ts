import type { AuditActor } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';

/** Who acts on a device's assignment: the device's owner in the browser, or the device's agent token. */
export type AssignmentPrincipal = { kind: 'user'; actor: Actor } | { kind: 'device'; deviceId: string; ownerId: string };

export const auditActorOf = (p: AssignmentPrincipal): AuditActor =>
  p.kind === 'user' ? { kind: 'user', id: p.actor.id } : { kind: 'device', id: p.deviceId };

/**
 * Only the owner (read from the devices row just locked, not from the caller) or the device itself
 * may act; anyone else is told the assignment does not exist, so ids cannot be probed.
 */
export function assertActsForDevice(
  p: AssignmentPrincipal,
  device: { id: string; ownerId: string | null } | undefined,
): asserts device is { id: string; ownerId: string } {
  // An ownerless device (its owner left) acts for nobody until the desk gives it a new owner.
  const ok =
    device?.ownerId && (p.kind === 'user' ? device.ownerId === p.actor.id : device.id === p.deviceId && device.ownerId === p.ownerId);
  if (!ok) throw new NotFoundError('No such assignment on a device of yours.', 'deployment');
}
