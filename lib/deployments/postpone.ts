import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db';
import { deploymentAssignments, deployments, devices } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertId, ConflictError, retryOnContention, ValidationError } from '@/lib/errors';
import { assertActsForDevice, auditActorOf, type AssignmentPrincipal } from './device-principal';

/** Without an explicit time, a postponement lasts a day (never past the deadline). */
export const DEFAULT_POSTPONE_MS = 24 * 3_600_000;
/** A required deployment without a deadline may still only be put off this far at a time. */
export const MAX_POSTPONE_MS = 30 * 24 * 3_600_000;

/**
 * Puts off a required assignment on one device until `until` (default: a day), never past the
 * deployment's deadline: at and after the deadline the agent installs regardless. Only while the
 * deployment is active and the assignment open (a conditional update, so a deployment closed
 * meanwhile is a 409, never a silent write). Audited.
 */
export async function postponeAssignment(
  principal: AssignmentPrincipal,
  input: { deploymentId: string; deviceId: string; until?: Date },
  now = new Date(),
): Promise<{ postponedUntil: Date }> {
  assertId(input.deploymentId, 'No such assignment on a device of yours.', 'deployment');
  assertId(input.deviceId, 'No such assignment on a device of yours.', 'device');
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [row] = await tx
        .select({ a: deploymentAssignments, d: deployments, device: { id: devices.id, ownerId: devices.ownerId } })
        .from(deploymentAssignments)
        .innerJoin(deployments, eq(deployments.id, deploymentAssignments.deploymentId))
        .innerJoin(devices, eq(devices.id, deploymentAssignments.deviceId))
        .where(and(eq(deploymentAssignments.deploymentId, input.deploymentId), eq(deploymentAssignments.deviceId, input.deviceId)))
        .for('update', { of: deploymentAssignments });
      assertActsForDevice(principal, row?.device);
      const { a, d } = row!;
      if (d.intent !== 'required')
        throw new ConflictError('Only a required deployment can be postponed; an available one waits for you anyway.');
      if (d.status !== 'active' || a.endedAt) throw new ConflictError(`Deployment "${d.name}" is not in progress on this device.`);
      if (d.deadline && d.deadline <= now) {
        throw new ConflictError(`The deadline of "${d.name}" has passed (${d.deadline.toISOString()}); it installs at the next sync.`);
      }
      const latest = d.deadline ?? new Date(now.getTime() + MAX_POSTPONE_MS);
      const until = input.until ?? new Date(Math.min(now.getTime() + DEFAULT_POSTPONE_MS, latest.getTime()));
      if (until <= now) throw new ValidationError('Postpone to a time in the future.', 'until');
      if (until > latest) {
        throw new ValidationError(
          d.deadline ? `Postpone at most until the deadline, ${d.deadline.toISOString()}.` : 'Postpone at most 30 days at a time.',
          'until',
        );
      }
      const [updated] = await tx
        .update(deploymentAssignments)
        .set({ postponedUntil: until })
        .where(
          and(
            eq(deploymentAssignments.deploymentId, d.id),
            eq(deploymentAssignments.deviceId, input.deviceId),
            isNull(deploymentAssignments.endedAt),
          ),
        )
        .returning({ until: deploymentAssignments.postponedUntil });
      if (!updated) throw new ConflictError(`Deployment "${d.name}" is not in progress on this device.`);
      await recordAudit(
        {
          actor: auditActorOf(principal),
          action: 'deployment.postponed',
          entityType: 'deployment',
          entityId: d.id,
          before: { deviceId: input.deviceId, postponedUntil: a.postponedUntil?.toISOString() ?? null },
          after: { deviceId: input.deviceId, postponedUntil: until.toISOString() },
        },
        tx,
      );
      return { postponedUntil: until };
    }),
  );
}
