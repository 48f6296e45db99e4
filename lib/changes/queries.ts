import { asc, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb } from '@/db';
import { changeApprovals, changeRecords, suppliers, supplierEvents, devices, users, type ChangeRecord } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, NotFoundError } from '@/lib/errors';

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
  const decisions = await db
    .select({ approver: users.name, decision: changeApprovals.decision, comment: changeApprovals.comment, at: changeApprovals.decidedAt })
    .from(changeApprovals)
    .innerJoin(users, eq(users.id, changeApprovals.approverId))
    .where(eq(changeApprovals.changeId, id))
    .orderBy(asc(changeApprovals.decidedAt));
  const work = await db
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
    .limit(200);
  return { ...row.change, requester: row.requester, supplier: row.supplier, decisions, work };
}
