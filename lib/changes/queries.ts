import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb } from '@/db';
import {
  auditEvents,
  changeApprovals,
  changeRecords,
  deployments,
  devices,
  products,
  releases,
  supplierAnnouncementItems,
  supplierAnnouncements,
  supplierEvents,
  suppliers,
  users,
  type ChangeRecord,
} from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, NotFoundError } from '@/lib/errors';
import { announcementColumns } from '@/lib/suppliers/queries';

const READERS = ['change_manager', 'admin', 'deployment_manager', 'service_desk'] as const;

export interface ChangeListRow extends Pick<
  ChangeRecord,
  'id' | 'reference' | 'title' | 'kind' | 'state' | 'environment' | 'windowStart' | 'windowEnd' | 'requiredApprovals'
> {
  supplier: string | null;
}

export async function listChanges(actor: Actor): Promise<ChangeListRow[]> {
  assertRole(actor, ...READERS);
  return getDb()
    .select({
      id: changeRecords.id,
      reference: changeRecords.reference,
      title: changeRecords.title,
      kind: changeRecords.kind,
      state: changeRecords.state,
      environment: changeRecords.environment,
      windowStart: changeRecords.windowStart,
      windowEnd: changeRecords.windowEnd,
      requiredApprovals: changeRecords.requiredApprovals,
      supplier: suppliers.name,
    })
    .from(changeRecords)
    .leftJoin(suppliers, eq(suppliers.id, changeRecords.supplierId))
    .orderBy(desc(changeRecords.windowStart))
    .limit(500);
}

export async function changeDetail(actor: Actor, id: string) {
  assertRole(actor, ...READERS);
  assertId(id, 'No such change.');
  const db = getDb();
  const requester = alias(users, 'requester');
  const [row] = await db
    .select({ change: changeRecords, requester: requester.name, supplier: suppliers.name })
    .from(changeRecords)
    .leftJoin(requester, eq(requester.id, changeRecords.requestedById))
    .leftJoin(suppliers, eq(suppliers.id, changeRecords.supplierId))
    .where(eq(changeRecords.id, id));
  if (!row) throw new NotFoundError('No such change.');
  // Everything else on the page depends only on the change: read at once, not one after another.
  const [decisions, work, announced, planned, history] = await Promise.all([
    db
      .select({ approver: users.name, decision: changeApprovals.decision, comment: changeApprovals.comment, at: changeApprovals.decidedAt })
      .from(changeApprovals)
      .innerJoin(users, eq(users.id, changeApprovals.approverId))
      .where(eq(changeApprovals.changeId, id))
      .orderBy(asc(changeApprovals.decidedAt)),
    db
      .select({
        id: supplierEvents.id,
        hostname: devices.hostname,
        deviceId: devices.id,
        component: supplierEvents.component,
        version: supplierEvents.version,
        status: supplierEvents.status,
        occurredAt: supplierEvents.occurredAt,
      })
      .from(supplierEvents)
      .innerJoin(devices, eq(devices.id, supplierEvents.deviceId))
      .where(eq(supplierEvents.changeId, id))
      .orderBy(desc(supplierEvents.occurredAt))
      .limit(200),
    // What suppliers announced they would do under this change, with the items (devices) named.
    db
      .select({
        ...announcementColumns,
        items: sql<string[]>`array(
          select d.hostname from ${supplierAnnouncementItems} i join ${devices} d on d.id = i.device_id
          where i.announcement_id = ${supplierAnnouncements.id} order by d.hostname)`,
      })
      .from(supplierAnnouncements)
      .innerJoin(suppliers, eq(suppliers.id, supplierAnnouncements.supplierId))
      .where(eq(supplierAnnouncements.changeId, id))
      .orderBy(asc(supplierAnnouncements.windowStart))
      .limit(200),
    // The portal's own deployments that name this change (the live gate checked it when they were planned).
    db
      .select({
        id: deployments.id,
        name: deployments.name,
        status: deployments.status,
        environment: deployments.environment,
        product: products.name,
        version: releases.version,
        availableFrom: deployments.availableFrom,
      })
      .from(deployments)
      .innerJoin(products, eq(products.id, deployments.productId))
      .innerJoin(releases, eq(releases.id, deployments.releaseId))
      .where(eq(deployments.changeRef, row.change.reference))
      .orderBy(asc(deployments.availableFrom))
      .limit(200),
    db
      .select({
        action: auditEvents.action,
        actor: users.name,
        actorKind: auditEvents.actorKind,
        after: auditEvents.after,
        at: auditEvents.at,
      })
      .from(auditEvents)
      .leftJoin(users, sql`${users.id}::text = ${auditEvents.actorId}`)
      .where(and(eq(auditEvents.entityType, 'change'), eq(auditEvents.entityId, id)))
      .orderBy(asc(auditEvents.at), asc(auditEvents.id))
      .limit(500),
  ]);
  return {
    ...row.change,
    requester: row.requester,
    supplier: row.supplier,
    decisions,
    work,
    announced,
    deployments: planned,
    history: history.map((h) => ({
      what: historyLabel(h.action, h.after),
      by: h.actor ?? (h.actorKind === 'system' ? 'Portal' : h.actorKind),
      at: h.at,
    })),
  };
}

/** What an audit entry on a change says, in words (an unknown action is shown as recorded). */
function historyLabel(action: string, after: unknown): string {
  const a = (after ?? {}) as { reason?: string; from?: string; to?: string; devices?: number; state?: string };
  switch (action) {
    case 'change.created':
      return a.state === 'approved' ? 'Recorded (pre-authorised standard change)' : 'Requested';
    case 'change_approval.approved':
      return 'Approval given';
    case 'change_approval.rejected':
      return 'Approval refused';
    case 'change.approved':
      return 'Approved (enough approvals)';
    case 'change.rejected':
      return a.reason ? `Rejected: ${a.reason}` : 'Rejected';
    case 'change.remediation_carried_out':
      return `Remediation: rolled back from ${a.from} to ${a.to} on ${a.devices} device(s)`;
    default:
      return action.startsWith('change.') ? `Moved to ${action.slice('change.'.length)}` : action;
  }
}
