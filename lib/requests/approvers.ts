import { and, asc, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { approvalStages, delegations, groupMembers, users, type ApprovalStage, type ServiceRequest } from '@/db/schema';

/** The stage a pending request is waiting on, or undefined when it has none. */
export async function currentStage(
  tx: DbOrTx,
  request: Pick<ServiceRequest, 'productId' | 'currentStage'>,
): Promise<ApprovalStage | undefined> {
  if (request.currentStage === null) return undefined;
  return tx.query.approvalStages.findFirst({
    where: and(eq(approvalStages.productId, request.productId), eq(approvalStages.position, request.currentStage)),
  });
}

/** Only active users who hold the approver role decide anything (a manager or member without it does not). */
const isActiveApprover = and(eq(users.active, true), sql`'approver' = any(${users.roles})`);

/**
 * The people who may decide a stage in their own name: the requester's manager, or the members of
 * the stage's group, if they are active approvers. The requester is never among them, whatever roles they hold.
 */
export async function stageApprovers(tx: DbOrTx, stage: ApprovalStage, requesterId: string): Promise<string[]> {
  if (stage.kind === 'manager') {
    const requester = await tx.query.users.findFirst({ where: eq(users.id, requesterId) });
    if (!requester?.managerId || requester.managerId === requesterId) return [];
    const manager = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, requester.managerId), isActiveApprover));
    return manager.map((m) => m.id);
  }
  if (stage.kind === 'group' && stage.groupId) {
    const rows = await tx
      .select({ userId: groupMembers.userId })
      .from(groupMembers)
      .innerJoin(users, eq(users.id, groupMembers.userId))
      .where(and(eq(groupMembers.groupId, stage.groupId), ne(groupMembers.userId, requesterId), isActiveApprover));
    return rows.map((r) => r.userId);
  }
  return [];
}

/**
 * Approvers who have named `delegateId` as their stand-in for this moment, in a fixed order (the
 * first one who may decide is the one a delegate acts for; the inbox query picks the same one).
 */
export async function delegatorsOf(tx: DbOrTx, delegateId: string, at = new Date()): Promise<string[]> {
  const rows = await tx
    .select({ approverId: delegations.approverId })
    .from(delegations)
    .where(and(eq(delegations.delegateId, delegateId), lte(delegations.startsAt, at), gt(delegations.endsAt, at)))
    .orderBy(asc(delegations.approverId));
  return rows.map((r) => r.approverId);
}

/**
 * Whether `actorId` may decide the stage, and in whose name: their own, or (as a delegate) the
 * approver they stand in for. Returns null when they may not.
 */
export async function decidingAs(
  tx: DbOrTx,
  stage: ApprovalStage,
  requesterId: string,
  actorId: string,
): Promise<{ approverId: string; onBehalfOfId: string | null } | null> {
  if (actorId === requesterId) return null;
  const approvers = await stageApprovers(tx, stage, requesterId);
  if (approvers.includes(actorId)) return { approverId: actorId, onBehalfOfId: null };
  const [self] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, actorId), isActiveApprover));
  if (!self) return null; // a delegate must be an active approver too
  const principals = await delegatorsOf(tx, actorId);
  const standIn = principals.find((p) => approvers.includes(p));
  return standIn ? { approverId: actorId, onBehalfOfId: standIn } : null;
}

/** Names for ids (for messages and history). */
export async function namesOf(tx: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
