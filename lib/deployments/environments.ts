import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { deployments, environments, groups, productPromotionSteps, type Deployment, type Environment } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { text } from '@/lib/text';

/** A product's promotion path: its own steps, or every environment by rank when it has none. */
export async function promotionPath(tx: DbOrTx, productId: string): Promise<Environment[]> {
  const own = await tx
    .select({ env: environments })
    .from(productPromotionSteps)
    .innerJoin(environments, eq(environments.key, productPromotionSteps.environment))
    .where(eq(productPromotionSteps.productId, productId))
    .orderBy(asc(productPromotionSteps.position));
  if (own.length) return own.map((r) => r.env);
  return tx.select().from(environments).orderBy(asc(environments.rank));
}

/** Assigned (not ended) devices of a deployment and how many of them last reported install_succeeded. */
export async function deploymentSuccess(tx: DbOrTx, deploymentId: string): Promise<{ assigned: number; succeeded: number }> {
  const result = await tx.execute<{ assigned: number; succeeded: number }>(sql`
    select count(*)::int as assigned,
      count(*) filter (where (
        select e.type from install_events e
        where e.deployment_id = a.deployment_id and e.device_id = a.device_id
          and e.type in ('install_succeeded', 'install_failed', 'uninstalled')
        order by e.occurred_at desc, e.id desc limit 1
      ) = 'install_succeeded')::int as succeeded
    from deployment_assignments a
    where a.deployment_id = ${deploymentId} and a.ended_at is null`);
  const row = result.rows[0];
  return { assigned: Number(row?.assigned ?? 0), succeeded: Number(row?.succeeded ?? 0) };
}

export const meetsThreshold = (s: { assigned: number; succeeded: number }, percent: number) =>
  s.assigned > 0 && s.succeeded * 100 >= percent * s.assigned;

/**
 * The environment promotion gate: a release enters an environment only when the environment
 * before it in the product's path had a deployment of the same release (active or completed)
 * that met that environment's success threshold. The first environment of a path has no gate.
 */
export async function assertPromotionGate(tx: DbOrTx, d: Pick<Deployment, 'productId' | 'releaseId' | 'environment'>): Promise<void> {
  const path = await promotionPath(tx, d.productId);
  const at = path.findIndex((e) => e.key === d.environment);
  if (at < 0) throw new ValidationError(`This product's promotion path does not include ${d.environment}.`, 'environment');
  if (at === 0) return;
  const previous = path[at - 1]!;
  const candidates = await tx
    .select({ id: deployments.id })
    .from(deployments)
    .where(
      and(
        eq(deployments.releaseId, d.releaseId),
        eq(deployments.environment, previous.key),
        inArray(deployments.status, ['active', 'completed']),
      ),
    );
  for (const c of candidates) {
    if (meetsThreshold(await deploymentSuccess(tx, c.id), previous.successThresholdPercent)) return;
  }
  throw new ConflictError(
    `This release has not yet met the ${previous.successThresholdPercent}% success threshold in ${previous.name}, the environment before ${d.environment}.`,
    'environment',
  );
}

export async function listEnvironments(tx: DbOrTx = getDb()) {
  return tx
    .select({
      key: environments.key,
      name: environments.name,
      rank: environments.rank,
      successThresholdPercent: environments.successThresholdPercent,
      approvalGroupId: environments.approvalGroupId,
      approvalGroup: groups.name,
      requiredApprovals: environments.requiredApprovals,
    })
    .from(environments)
    .leftJoin(groups, eq(groups.id, environments.approvalGroupId))
    .orderBy(asc(environments.rank));
}

export const environmentSettingsInput = z.object({
  name: text().trim().min(1, 'Give the environment a name.').max(100, 'A name is at most 100 characters.'),
  successThresholdPercent: z.coerce.number({ error: 'Give a percentage.' }).int().min(0, 'From 0 %').max(100, 'Up to 100 %'),
  approvalGroupId: z.preprocess((v) => (v === '' ? null : v), z.uuid('Choose a group.').nullable()),
  requiredApprovals: z.coerce.number({ error: 'Give a number.' }).int().min(1, 'At least 1').max(50, 'At most 50'),
});
export type EnvironmentSettingsInput = z.infer<typeof environmentSettingsInput>;

/** Admins set an environment's threshold and approval policy (managers must not loosen their own gate). */
export async function updateEnvironment(actor: Actor, key: string, input: EnvironmentSettingsInput): Promise<void> {
  assertRole(actor, 'admin');
  await getDb().transaction(async (tx) => {
    const [before] = await tx.select().from(environments).where(eq(environments.key, key)).for('update');
    if (!before) throw new NotFoundError('No such environment.');
    if (input.approvalGroupId) {
      const group = await tx.query.groups.findFirst({ where: eq(groups.id, input.approvalGroupId) });
      if (!group) throw new ValidationError('No such group.', 'approvalGroupId');
      if (group.archived && group.id !== before.approvalGroupId) throw new ValidationError('This group is archived.', 'approvalGroupId');
    }
    await tx.update(environments).set(input).where(eq(environments.key, key));
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'environment.updated',
        entityType: 'environment',
        entityId: key,
        before,
        after: input,
      },
      tx,
    );
  });
}

export { promotionPathChoices, promotionPathInput, setPromotionPath } from './promotion-path';
