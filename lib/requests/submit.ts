import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import { getDb } from '@/db';
import { approvalStages, artifacts, devices, entitlements, products, releases, serviceRequests } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { requesterCanSee } from '@/lib/catalogue/visibility';
import { ConflictError, NotFoundError, retryOnContention, ValidationError } from '@/lib/errors';
import { approvalLinksFor } from '@/lib/approval-links/issue';
import { notify } from '@/lib/notifications/service';
import { stageApprovers } from './approvers';
import { fulfilApproval } from './fulfilment';
import type { RequestInput } from './schema';

const OPEN = ['submitted', 'pending_approval', 'waiting_for_seat', 'approved'] as const;

export const stageDue = (hours: number, from = new Date()) => new Date(from.getTime() + hours * 3_600_000);

/**
 * A requester asks for a product for one of their own devices. The request goes to the first
 * stage of the product's policy, or is approved at once when the policy has no stages.
 */
export async function submitRequest(actor: Actor, input: RequestInput): Promise<{ id: string; status: string }> {
  return retryOnContention(() => submitOnce(actor, input));
}

async function submitOnce(actor: Actor, input: RequestInput): Promise<{ id: string; status: string }> {
  const db = getDb();
  const product = await db.query.products.findFirst({ where: and(eq(products.id, input.productId), requesterCanSee(actor)) });
  if (!product) throw new NotFoundError('No such product in the catalogue.', 'productId');

  const device = await db.query.devices.findFirst({ where: eq(devices.id, input.deviceId) });
  if (!device || device.ownerId !== actor.id) throw new ValidationError('Choose one of your own devices.', 'deviceId');
  if (device.status === 'retired' || device.status === 'revoked')
    throw new ValidationError(`${device.hostname} is ${device.status}; choose another device.`, 'deviceId');

  // The release asked for (or the current one) must be published and have a build for the device.
  const release = await db.query.releases.findFirst({
    where: and(
      eq(releases.productId, product.id),
      eq(releases.status, 'published'),
      input.releaseId ? eq(releases.id, input.releaseId) : undefined,
    ),
    orderBy: (r, { desc }) => [desc(r.publishedAt)],
  });
  if (!release) throw new ValidationError('Choose a published release of this product.', 'releaseId');
  const build = await db.query.artifacts.findFirst({
    where: and(eq(artifacts.releaseId, release.id), eq(artifacts.platform, device.platform)),
  });
  if (!build) throw new ValidationError(`Version ${release.version} has no build for ${device.hostname} (${device.platform}).`, 'deviceId');

  const stages = await db.select().from(approvalStages).where(eq(approvalStages.productId, product.id)).orderBy(approvalStages.position);
  for (const stage of stages) {
    const approvers = await stageApprovers(db, stage, actor.id);
    if (approvers.length < stage.requiredApprovals) {
      throw new ValidationError(
        stage.kind === 'manager'
          ? 'This product needs your manager’s approval, and you have no manager on record. Ask an administrator to set one.'
          : 'This product’s approver group has too few members to decide. Tell the library team.',
        'productId',
      );
    }
  }

  return db.transaction(async (tx) => {
    const entitled = await tx.query.entitlements.findFirst({
      where: and(
        eq(entitlements.userId, actor.id),
        eq(entitlements.deviceId, device.id),
        eq(entitlements.productId, product.id),
        eq(entitlements.status, 'active'),
        or(isNull(entitlements.expiresAt), gt(entitlements.expiresAt, new Date())),
      ),
    });
    if (entitled) throw new ConflictError(`You already have ${product.name} for ${device.hostname}.`, 'productId');
    const first = stages[0];
    const [created] = await tx
      .insert(serviceRequests)
      .values({
        requesterId: actor.id,
        productId: product.id,
        releaseId: input.releaseId ?? null,
        deviceId: device.id,
        justification: input.justification,
        status: first ? 'pending_approval' : 'submitted',
        currentStage: first ? first.position : null,
        stageDueAt: first ? stageDue(product.approvalTimeoutHours) : null,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) throw new ConflictError(`You already have an open request for ${product.name} on ${device.hostname}.`, 'productId');
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'request.submitted',
        entityType: 'service_request',
        entityId: created.id,
        after: { productId: product.id, releaseId: input.releaseId ?? null, deviceId: device.id, justification: input.justification },
      },
      tx,
    );
    if (!first) {
      await fulfilApproval(tx, created, { kind: 'system' });
    } else {
      await notify(
        tx,
        await stageApprovers(tx, first, actor.id),
        {
          kind: 'approval_waiting',
          title: `${actor.name} requests ${product.name}`,
          body: input.justification,
          link: `/approvals/${created.id}`,
        },
        approvalLinksFor(created.id, first.position),
      );
    }
    const [now] = await tx.select({ status: serviceRequests.status }).from(serviceRequests).where(eq(serviceRequests.id, created.id));
    return { id: created.id, status: now!.status };
  });
}

/** Requests of the actor that are still open for a product (to say so instead of duplicating). */
export async function openRequestsFor(actor: Actor, productId: string) {
  return getDb()
    .select({ id: serviceRequests.id, status: serviceRequests.status, deviceId: serviceRequests.deviceId })
    .from(serviceRequests)
    .where(
      and(eq(serviceRequests.requesterId, actor.id), eq(serviceRequests.productId, productId), inArray(serviceRequests.status, [...OPEN])),
    );
}
