import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import {
  deploymentApprovals,
  deploymentRevisions,
  deployments,
  environments,
  products,
  releases,
  targets,
  users,
  type ApprovalStage,
  type Deployment,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError, retryOnContention } from '@/lib/errors';
import { decidingAs, stageApprovers } from '@/lib/requests/approvers';
import { notify, settleNotifications } from '@/lib/notifications/service';
import type { DeploymentDecisionInput } from './schema';
import { activateIfDue } from './lifecycle';
import { activateDeploymentJob } from './jobs';
import { enqueue } from '@/lib/jobs/enqueue';

/**
 * An environment's approval policy seen as a request's group stage, so deployments are decided
 * by exactly the rules requests use (active approvers of the group, never the creator,
 * delegates standing in for a member) — the same functions, not a copy.
 */
async function approvalStageOf(tx: DbOrTx, d: Pick<Deployment, 'environment' | 'productId'>): Promise<ApprovalStage | null> {
  const env = await tx.query.environments.findFirst({ where: eq(environments.key, d.environment) });
  if (!env?.approvalGroupId) return null;
  return {
    id: env.key,
    productId: d.productId,
    position: 1,
    kind: 'group',
    groupId: env.approvalGroupId,
    requiredApprovals: env.requiredApprovals,
  };
}

/** Where an approver decides a deployment; also the key its notifications are settled by. */
export const approvalLink = (deploymentId: string) => `/approvals/deployments#d-${deploymentId}`;

/**
 * Tells the approvers of the deployment's environment that a version waits for them. Returns the
 * mail sender, to run after the transaction commits.
 */
export async function askApprovers(tx: DbOrTx, d: Pick<Deployment, 'id' | 'name' | 'environment' | 'productId' | 'createdById'>) {
  const stage = await approvalStageOf(tx, d);
  if (!stage) return async () => {};
  return notify(tx, await stageApprovers(tx, stage, d.createdById), {
    kind: 'approval_waiting',
    title: `Deployment to approve: ${d.name}`,
    body: `A deployment into ${d.environment} waits for ${stage.requiredApprovals} approval(s).`,
    link: approvalLink(d.id),
  });
}

export interface DeploymentDecisionResult {
  status: Deployment['status'];
  approvals: number;
  required: number;
}

/**
 * A member of the environment's approval group decides the version of a deployment they saw.
 * The deployment row is locked first, so concurrent approvers are counted one after another;
 * N distinct approvers (a delegate counts as the person they stand in for) move it to scheduled.
 * A rejection (with its reason) sends it back to draft as a new version, so approvals already
 * given for the rejected version never count again.
 */
export async function decideDeployment(actor: Actor, input: DeploymentDecisionInput): Promise<DeploymentDecisionResult> {
  const result = await decideOnce(actor, input);
  if (result.status === 'scheduled') await activateIfDue(input.deploymentId);
  return result;
}

async function decideOnce(actor: Actor, input: DeploymentDecisionInput): Promise<DeploymentDecisionResult> {
  return retryOnContention(() =>
    getDb().transaction(async (tx) => {
      const [d] = await tx.select().from(deployments).where(eq(deployments.id, input.deploymentId)).for('update');
      if (!d) throw new NotFoundError('No such deployment.', 'deploymentId');
      if (d.createdById === actor.id) throw new ForbiddenError('You cannot approve a deployment you created.');
      const stage = await approvalStageOf(tx, d);
      const as = stage && (await decidingAs(tx, stage, d.createdById, actor.id));
      if (!stage || !as) throw new ForbiddenError('You are not an approver for this deployment.');
      if (d.status !== 'pending_approval')
        throw new ConflictError(`This deployment is ${d.status.replace('_', ' ')}, not waiting for approval.`);
      if (d.version !== input.version)
        throw new ConflictError(`This deployment changed since you opened it (now version ${d.version}); review it again.`);
      const principal = as.onBehalfOfId ?? as.approverId;
      const [already] = await tx
        .select({ id: deploymentApprovals.id })
        .from(deploymentApprovals)
        .where(
          and(
            eq(deploymentApprovals.deploymentId, d.id),
            eq(deploymentApprovals.version, d.version),
            sql`coalesce(${deploymentApprovals.onBehalfOfId}, ${deploymentApprovals.approverId}) = ${principal}`,
          ),
        );
      if (already) throw new ConflictError('A decision for this approver has already been recorded for this version.');
      await tx.insert(deploymentApprovals).values({
        deploymentId: d.id,
        version: d.version,
        approverId: as.approverId,
        onBehalfOfId: as.onBehalfOfId,
        decision: input.decision,
        comment: input.comment,
      });
      const audit = { actor: { kind: 'user' as const, id: actor.id }, entityType: 'deployment', entityId: d.id };
      await recordAudit(
        {
          ...audit,
          action: `deployment_approval.${input.decision}`,
          after: { version: d.version, comment: input.comment, onBehalfOfId: as.onBehalfOfId },
        },
        tx,
      );

      if (input.decision === 'rejected') {
        const [back] = await tx
          .update(deployments)
          .set({ status: 'draft', version: d.version + 1, updatedAt: new Date() })
          .where(and(eq(deployments.id, d.id), eq(deployments.status, 'pending_approval')))
          .returning();
        await tx.insert(deploymentRevisions).values({
          deploymentId: d.id,
          version: back!.version,
          snapshot: { ...(await revisionSnapshot(tx, d.id, d.version)), status: 'draft' },
          changedById: actor.id,
          reason: `Rejected by ${actor.name}: ${input.comment}`,
        });
        await recordAudit({ ...audit, action: 'deployment.rejected', after: { reason: input.comment, version: back!.version } }, tx);
        await settleNotifications(tx, approvalLink(d.id));
        return { status: 'draft', approvals: 0, required: stage.requiredApprovals };
      }

      const [{ n }] = (await tx
        .select({
          n: sql<number>`count(distinct coalesce(${deploymentApprovals.onBehalfOfId}, ${deploymentApprovals.approverId}))`.mapWith(Number),
        })
        .from(deploymentApprovals)
        .where(
          and(
            eq(deploymentApprovals.deploymentId, d.id),
            eq(deploymentApprovals.version, d.version),
            eq(deploymentApprovals.decision, 'approved'),
          ),
        )) as [{ n: number }];
      if (n < stage.requiredApprovals) return { status: 'pending_approval', approvals: n, required: stage.requiredApprovals };
      await tx
        .update(deployments)
        .set({ status: 'scheduled', updatedAt: new Date() })
        .where(and(eq(deployments.id, d.id), eq(deployments.status, 'pending_approval'), eq(deployments.version, d.version)));
      await recordAudit({ ...audit, action: 'deployment.scheduled', after: { version: d.version, approvals: n } }, tx);
      if (d.availableFrom > new Date()) await enqueue(tx, activateDeploymentJob, { deploymentId: d.id }, { startAfter: d.availableFrom });
      await settleNotifications(tx, approvalLink(d.id));
      return { status: 'scheduled', approvals: n, required: stage.requiredApprovals };
    }),
  );
}

async function revisionSnapshot(tx: DbOrTx, id: string, version: number) {
  const row = await tx.query.deploymentRevisions.findFirst({
    where: and(eq(deploymentRevisions.deploymentId, id), eq(deploymentRevisions.version, version)),
  });
  return (row?.snapshot ?? {}) as Record<string, unknown>;
}

/** Decisions recorded for a deployment, newest first (with the version each one decided). */
export async function deploymentDecisions(tx: DbOrTx, deploymentId: string) {
  return tx
    .select({
      version: deploymentApprovals.version,
      decision: deploymentApprovals.decision,
      comment: deploymentApprovals.comment,
      decidedAt: deploymentApprovals.decidedAt,
      approver: users.name,
      onBehalfOfId: deploymentApprovals.onBehalfOfId,
    })
    .from(deploymentApprovals)
    .innerJoin(users, eq(users.id, deploymentApprovals.approverId))
    .where(eq(deploymentApprovals.deploymentId, deploymentId))
    .orderBy(desc(deploymentApprovals.decidedAt));
}

/** Deployments waiting for the actor's decision (as a group member or a delegate), oldest first. */
export async function listDeploymentsAwaiting(actor: Actor) {
  const db = getDb();
  const pending = await db
    .select({
      d: deployments,
      product: products.name,
      release: releases.version,
      target: targets.name,
      environmentName: environments.name,
      requiredApprovals: environments.requiredApprovals,
      creator: users.name,
    })
    .from(deployments)
    .innerJoin(products, eq(products.id, deployments.productId))
    .innerJoin(releases, eq(releases.id, deployments.releaseId))
    .innerJoin(targets, eq(targets.id, deployments.targetId))
    .innerJoin(environments, eq(environments.key, deployments.environment))
    .innerJoin(users, eq(users.id, deployments.createdById))
    .where(eq(deployments.status, 'pending_approval'))
    .orderBy(asc(deployments.updatedAt));
  const mine = [];
  for (const row of pending) {
    const stage = await approvalStageOf(db, row.d);
    const as = stage && (await decidingAs(db, stage, row.d.createdById, actor.id));
    if (!as) continue;
    const decisions = await db
      .select({ approverId: deploymentApprovals.approverId, onBehalfOfId: deploymentApprovals.onBehalfOfId })
      .from(deploymentApprovals)
      .where(and(eq(deploymentApprovals.deploymentId, row.d.id), eq(deploymentApprovals.version, row.d.version)));
    const principal = as.onBehalfOfId ?? as.approverId;
    mine.push({
      ...row,
      approvals: decisions.length,
      decidedByMe: decisions.some((x) => (x.onBehalfOfId ?? x.approverId) === principal),
      onBehalfOfId: as.onBehalfOfId,
    });
  }
  return mine;
}
