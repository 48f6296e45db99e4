import { and, eq, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { changeApprovals, changeRecords, environments, users, type ApprovalStage, type ChangeRecord } from '@/db/schema';
import { parseInput } from '@/lib/pipeline/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, hasRole, type Actor } from '@/lib/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError, retryOnContention, sqlState, ValidationError, asInputError } from '@/lib/errors';
import { notify } from '@/lib/notifications/service';
import { decidingAs, stageApprovers } from '@/lib/requests/approvers';
import { changeDecisionInput, changeInput, changeTransitionInput, type ChangeDecisionInput, type ChangeInput } from './schema';

/*
 * How a change is approved (the policy engine requests and deployments use, not a copy):
 * - normal: N of the M members of its environment's approval group (live: the change advisory
 *   board, 2 of 3 in the demo), never the person who asked for it;
 * - emergency: one member of that group is enough (the emergency CAB), so urgent work is not
 *   held up waiting for a quorum; it is still recorded and audited like any other;
 * - standard: pre-authorised — approved when a change manager records it; asked for by anyone
 *   else (a supplier) it needs one approval like an emergency.
 * An environment without an approval group is decided by any change manager (one).
 */
export const changeLink = (id: string) => `/changes/${id}`;

async function stageOf(tx: DbOrTx, c: Pick<ChangeRecord, 'id' | 'environment' | 'requiredApprovals'>): Promise<ApprovalStage | null> {
  const env = await tx.query.environments.findFirst({ where: eq(environments.key, c.environment) });
  if (!env?.approvalGroupId) return null;
  return { id: c.id, productId: c.id, position: 1, kind: 'group', groupId: env.approvalGroupId, requiredApprovals: c.requiredApprovals };
}

/** The people told about changes: every active change manager. */
export async function changeManagers(tx: DbOrTx): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.active, true), sql`'change_manager' = any(${users.roles})`));
  return rows.map((r) => r.id);
}

/** Records a change (change managers, deployment managers, admins; suppliers through lib/suppliers). */
export async function createChange(
  actor: Actor,
  input: ChangeInput,
  supplierId: string | null = null,
): Promise<{ id: string; state: ChangeRecord['state'] }> {
  if (!supplierId) assertRole(actor, 'change_manager', 'deployment_manager', 'admin');
  const data = parseInput(changeInput, input);
  return getDb()
    .transaction(async (tx) => {
      const env = await tx.query.environments.findFirst({ where: eq(environments.key, data.environment) });
      if (!env) throw new ValidationError('No such environment.', 'environment');
      const preAuthorised = data.kind === 'standard' && !supplierId && hasRole(actor, 'change_manager');
      const required = data.kind === 'normal' && env.approvalGroupId ? env.requiredApprovals : 1;
      const [row] = await tx
        .insert(changeRecords)
        .values({
          ...data,
          requiredApprovals: required,
          state: preAuthorised ? 'approved' : 'requested',
          requestedById: actor.id,
          supplierId,
        })
        .returning();
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: 'change.created',
          entityType: 'change',
          entityId: row!.id,
          after: { ...data, state: row!.state },
        },
        tx,
      );
      if (row!.state === 'requested') {
        const stage = await stageOf(tx, row!);
        const deciders = stage ? await stageApprovers(tx, stage, actor.id) : await changeManagers(tx);
        await notify(tx, deciders, {
          kind: 'approval_waiting',
          title: `Change to approve: ${row!.reference}`,
          body: `${row!.title} (${row!.kind}) waits for ${required} approval(s).`,
          link: changeLink(row!.id),
        });
      }
      return { id: row!.id, state: row!.state };
    })
    .catch((e: unknown) => {
      if (sqlState(e) === '23505') throw new ConflictError('A change with this reference exists.', 'reference');
      throw asInputError(e);
    });
}

/**
 * One approver's decision. The change row is locked first so concurrent approvers are counted
 * one after another; the N-th distinct approval (a delegate counts for the person they stand in
 * for) approves it; one rejection (with its reason) rejects it.
 */
export async function decideChange(
  actor: Actor,
  input: ChangeDecisionInput,
): Promise<{ state: ChangeRecord['state']; approvals: number; required: number }> {
  const data = parseInput(changeDecisionInput, input);
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [c] = await tx.select().from(changeRecords).where(eq(changeRecords.id, data.changeId)).for('update');
      if (!c) throw new NotFoundError('No such change.', 'changeId');
      if (c.requestedById === actor.id) throw new ForbiddenError('You cannot approve a change you asked for.');
      const stage = await stageOf(tx, c);
      const as = stage
        ? await decidingAs(tx, stage, c.requestedById ?? '', actor.id)
        : hasRole(actor, 'change_manager')
          ? { approverId: actor.id, onBehalfOfId: null }
          : null;
      if (!as) throw new ForbiddenError('You are not an approver for this change.');
      if (c.state !== 'requested') throw new ConflictError(`This change is ${c.state}, not waiting for approval.`);
      const principal = as.onBehalfOfId ?? as.approverId;
      const [already] = await tx
        .select({ id: changeApprovals.id })
        .from(changeApprovals)
        .where(
          and(
            eq(changeApprovals.changeId, c.id),
            sql`coalesce(${changeApprovals.onBehalfOfId}, ${changeApprovals.approverId}) = ${principal}`,
          ),
        );
      if (already) throw new ConflictError('A decision for this approver has already been recorded.');
      await tx.insert(changeApprovals).values({ changeId: c.id, ...as, decision: data.decision, comment: data.comment });
      const audit = { actor: { kind: 'user' as const, id: actor.id }, entityType: 'change', entityId: c.id };
      await recordAudit(
        { ...audit, action: `change_approval.${data.decision}`, after: { comment: data.comment, onBehalfOfId: as.onBehalfOfId } },
        tx,
      );
      const [{ n }] = (await tx
        .select({
          n: sql<number>`count(distinct coalesce(${changeApprovals.onBehalfOfId}, ${changeApprovals.approverId}))`.mapWith(Number),
        })
        .from(changeApprovals)
        .where(and(eq(changeApprovals.changeId, c.id), eq(changeApprovals.decision, 'approved')))) as [{ n: number }];
      const next = data.decision === 'rejected' ? 'rejected' : n >= c.requiredApprovals ? 'approved' : null;
      if (next) {
        await tx
          .update(changeRecords)
          .set({ state: next, rejectedReason: next === 'rejected' ? data.comment : null, updatedAt: new Date() })
          .where(and(eq(changeRecords.id, c.id), eq(changeRecords.state, 'requested')));
        await recordAudit({ ...audit, action: `change.${next}`, after: { approvals: n, reason: data.comment || undefined } }, tx);
        if (c.requestedById)
          await notify(tx, [c.requestedById], {
            kind: 'request_decided',
            title: `Change ${c.reference} ${next}`,
            body: data.comment,
            link: changeLink(c.id),
          });
      }
      return { state: next ?? c.state, approvals: n, required: c.requiredApprovals };
    }),
  );
}

const allowedMoves: Record<string, ChangeRecord['state'][]> = {
  scheduled: ['approved'],
  implemented: ['approved', 'scheduled'],
  failed: ['approved', 'scheduled'],
  closed: ['implemented', 'failed', 'rejected'],
};

/** approved → scheduled → implemented | failed → closed (change managers). */
export async function moveChange(actor: Actor, input: { changeId: string; to: string }): Promise<void> {
  assertRole(actor, 'change_manager', 'admin');
  const data = parseInput(changeTransitionInput, input);
  await getDb().transaction(async (tx) => {
    const [c] = await tx.select().from(changeRecords).where(eq(changeRecords.id, data.changeId)).for('update');
    if (!c) throw new NotFoundError('No such change.', 'changeId');
    if (!allowedMoves[data.to]!.includes(c.state)) throw new ConflictError(`A ${c.state} change cannot become ${data.to}.`, 'to');
    await tx.update(changeRecords).set({ state: data.to, updatedAt: new Date() }).where(eq(changeRecords.id, c.id));
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: `change.${data.to}`,
        entityType: 'change',
        entityId: c.id,
        before: { state: c.state },
        after: { state: data.to },
      },
      tx,
    );
  });
}
