import { getDb, type DbOrTx } from '@/db';
import { auditEvents } from '@/db/schema';

export type AuditActor =
  { kind: 'user'; id: string } | { kind: 'device'; id: string } | { kind: 'pipeline'; id: string } | { kind: 'system'; id?: undefined };

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Appends an audit event; pass the transaction of the change it records so both land or neither. */
export async function recordAudit(entry: AuditEntry, tx: DbOrTx = getDb()): Promise<void> {
  await tx.insert(auditEvents).values({
    actorKind: entry.actor.kind,
    actorId: entry.actor.id ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}
