import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import {
  apiTokens,
  deploymentRevisions,
  deployments,
  environments,
  pipelineDeployments,
  products,
  releases,
  ringTemplates,
  targets,
  type PhasePlan,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { askApprovers } from '@/lib/deployments/approval';
import { assertChangeGate } from '@/lib/changes/gate';
import { assertPromotionGate } from '@/lib/deployments/environments';
import { activateIfDue } from '@/lib/deployments/lifecycle';
import { assertMayManageProduct, type DmlPrincipal } from '@/lib/dml/principal';
import { text } from '@/lib/text';
import { savePhasePlan } from './phases';
import { haltRuleInput, phasePlanInput } from './schema';

export const ringTemplateInput = z.object({
  name: text({ error: 'Name the first ring.' }).trim().min(1, 'Name the first ring.').max(200, 'A name is at most 200 characters.'),
  targetId: z.uuid('Choose a target.'),
  environment: text({ error: 'Choose an environment.' })
    .trim()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'Choose an environment.'),
  intent: z.enum(['required', 'available'], { error: 'Choose required or available.' }).default('required'),
  phases: phasePlanInput.min(1, 'Give the ring at least one phase.'),
  ...haltRuleInput.shape,
});
export type RingTemplateInput = z.input<typeof ringTemplateInput>;

/** A librarian sets (or replaces) the product's first ring for continuous delivery. */
export async function saveRingTemplate(actor: Actor, productId: string, raw: RingTemplateInput): Promise<void> {
  assertRole(actor, 'librarian', 'admin');
  assertId(productId, 'No such product.');
  const input = ringTemplateInput.parse(raw);
  await getDb().transaction(async (tx) => {
    const product = await tx.query.products.findFirst({ where: eq(products.id, productId) });
    if (!product) throw new NotFoundError('No such product.');
    const target = await tx.query.targets.findFirst({ where: eq(targets.id, input.targetId) });
    if (!target || target.archived) throw new ValidationError('No such target.', 'targetId');
    const env = await tx.query.environments.findFirst({ where: eq(environments.key, input.environment) });
    if (!env) throw new ValidationError('No such environment.', 'environment');
    const row = { ...input, phases: input.phases as PhasePlan[], updatedById: actor.id, updatedAt: new Date() };
    await tx
      .insert(ringTemplates)
      .values({ productId, ...row })
      .onConflictDoUpdate({ target: ringTemplates.productId, set: row });
    await recordAudit(
      { actor: { kind: 'user', id: actor.id }, action: 'ring_template.saved', entityType: 'product', entityId: productId, after: row },
      tx,
    );
  });
}

/** The librarian's ring template form: the saved template (if any), live targets and environments. */
export async function ringTemplateForm(actor: Actor, productId: string) {
  assertRole(actor, 'librarian', 'admin');
  assertId(productId, 'No such product.');
  const db = getDb();
  const template = await db.query.ringTemplates.findFirst({ where: eq(ringTemplates.productId, productId) });
  const targetChoices = await db
    .select({ id: targets.id, name: targets.name })
    .from(targets)
    .where(eq(targets.archived, false))
    .orderBy(asc(targets.name));
  const environmentChoices = await db
    .select({ key: environments.key, name: environments.name })
    .from(environments)
    .orderBy(asc(environments.rank));
  return { template: template ?? null, targets: targetChoices, environments: environmentChoices };
}

export async function getRingTemplate(productId: string) {
  return getDb().query.ringTemplates.findFirst({ where: eq(ringTemplates.productId, productId) });
}

export interface FirstRingDeployment {
  deploymentId: string;
  status: string;
  created: boolean;
}

/**
 * Continuous delivery: a pipeline token scoped to the product deploys a published release to the
 * product's first ring (its ring template). One deployment per release: a retry, or the same
 * build run again, answers with the deployment already made (created: false). The deployment is
 * owned by the person who made the token; later phases follow their gates as any other.
 */
export async function deployToFirstRing(p: DmlPrincipal, slug: string, version: string): Promise<FirstRingDeployment> {
  if (p.kind !== 'pipeline') throw new ValidationError('Only a pipeline token deploys to a first ring.');
  const db = getDb();
  const product = await db.query.products.findFirst({ where: eq(products.slug, slug) });
  if (!product) throw new NotFoundError('No such product.');
  await assertMayManageProduct(p, product.id, db);
  const release = await db.query.releases.findFirst({ where: and(eq(releases.productId, product.id), eq(releases.version, version)) });
  if (!release) throw new NotFoundError(`No release ${version} of ${slug}.`);
  const existing = await db.query.pipelineDeployments.findFirst({ where: eq(pipelineDeployments.releaseId, release.id) });
  if (existing) return answer(existing.deploymentId, false);
  if (release.status !== 'published') throw new ConflictError(`Release ${version} is ${release.status}; publish it first.`, 'version');
  const template = await db.query.ringTemplates.findFirst({ where: eq(ringTemplates.productId, product.id) });
  if (!template) throw new ConflictError(`${product.name} has no first ring; a librarian sets one up on the product page.`);
  const [token] = await db.select({ createdById: apiTokens.createdById }).from(apiTokens).where(eq(apiTokens.id, p.tokenId));

  const lost = new Error('another call deployed this release first');
  const made = await db
    .transaction(async (tx) => {
      await assertPromotionGate(tx, { productId: product.id, releaseId: release.id, environment: template.environment });
      // A first ring in live is a live deployment like any other: the change the release was
      // published under must be approved and cover it, or the pipeline is refused (422 changeRef).
      await assertChangeGate(tx, { environment: template.environment, changeRef: release.changeRef, availableFrom: new Date() });
      const env = await tx.query.environments.findFirst({ where: eq(environments.key, template.environment) });
      const status = env?.approvalGroupId ? 'pending_approval' : 'scheduled';
      const [d] = await tx
        .insert(deployments)
        .values({
          name: `${template.name}: ${product.name} ${release.version}`,
          productId: product.id,
          releaseId: release.id,
          targetId: template.targetId,
          environment: template.environment,
          intent: template.intent,
          status,
          availableFrom: new Date(),
          changeRef: release.changeRef,
          haltFailurePercent: template.haltFailurePercent,
          haltMinReports: template.haltMinReports,
          createdById: token!.createdById,
        })
        .returning();
      // Two calls at once: the second waits on this key, finds it taken and rolls its deployment back.
      const [claimed] = await tx
        .insert(pipelineDeployments)
        .values({ releaseId: release.id, deploymentId: d!.id, tokenId: p.tokenId })
        .onConflictDoNothing()
        .returning();
      if (!claimed) throw lost;
      await savePhasePlan(tx, d!.id, template.phases);
      await tx.insert(deploymentRevisions).values({
        deploymentId: d!.id,
        version: 1,
        snapshot: { releaseId: release.id, template: template.name, phases: template.phases },
        reason: 'Created by the pipeline',
      });
      await recordAudit(
        {
          actor: { kind: 'pipeline', id: p.tokenId },
          action: 'deployment.created',
          entityType: 'deployment',
          entityId: d!.id,
          after: { release: release.version, ring: template.name, status },
        },
        tx,
      );
      if (status === 'pending_approval') await askApprovers(tx, d!);
      return d!;
    })
    .catch((e: unknown) => {
      if (e === lost) return null;
      throw e;
    });
  if (!made) {
    const again = await db.query.pipelineDeployments.findFirst({ where: eq(pipelineDeployments.releaseId, release.id) });
    return answer(again!.deploymentId, false);
  }
  await activateIfDue(made.id);
  return answer(made.id, true);
}

async function answer(deploymentId: string, created: boolean): Promise<FirstRingDeployment> {
  const d = await getDb().query.deployments.findFirst({ where: eq(deployments.id, deploymentId) });
  return { deploymentId, status: d?.status ?? 'unknown', created };
}
