import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { changeRecords, type ChangeRecord } from '@/db/schema';
import { ValidationError } from '@/lib/errors';

/** The environment whose changes need a change record: deployments into it are gated. */
export const GATED_ENVIRONMENT = 'live';

/** States in which an approved change may still be carried out. */
const AUTHORISED = ['approved', 'scheduled'] as const;

/**
 * Why `changeRef` does not authorise work from `start` to `end`, or null when it does: the
 * change exists, is approved (or scheduled) and its window covers both moments.
 */
export async function changeProblem(
  tx: DbOrTx,
  changeRef: string | null | undefined,
  start: Date,
  end: Date | null,
  states: readonly ChangeRecord['state'][] = AUTHORISED,
): Promise<{ problem: string; change: ChangeRecord | null } | { problem: null; change: ChangeRecord }> {
  const ref = changeRef?.trim();
  if (!ref) return { problem: 'A deployment into live needs the reference of an approved change (changeRef).', change: null };
  const change = await tx.query.changeRecords.findFirst({ where: eq(changeRecords.reference, ref) });
  if (!change) return { problem: `No change record ${ref}.`, change: null };
  if (!states.includes(change.state)) return { problem: `Change ${ref} is ${change.state}, not approved.`, change };
  const covers = (t: Date) => t >= change.windowStart && t <= change.windowEnd;
  if (!covers(start) || (end && !covers(end)))
    return {
      problem: `Change ${ref}'s window (${change.windowStart.toISOString()} – ${change.windowEnd.toISOString()}) does not cover the deployment.`,
      change,
    };
  return { problem: null, change };
}

/** The portal's own gate: a live deployment is refused (422 naming changeRef) unless an approved change covers it. */
export async function assertChangeGate(
  tx: DbOrTx,
  d: { environment: string; changeRef?: string | null; availableFrom: Date; deadline?: Date | null },
): Promise<void> {
  if (d.environment !== GATED_ENVIRONMENT) return;
  const { problem } = await changeProblem(tx, d.changeRef, d.availableFrom, d.deadline ?? null);
  if (problem) throw new ValidationError(problem, 'changeRef');
}

/** Changes that were authorised at some point (for reports of work already done). */
export const DONE_OR_AUTHORISED = [...AUTHORISED, 'implemented'] as const;
