import 'server-only';
import { csvLine } from '@/lib/installs/csv';
import type { Actor } from '@/lib/auth/roles';
import { listAuditEvents, type AuditEventView, type AuditFilter } from './queries';

const BATCH = 1000;
const header = [
  'at',
  'actor_kind',
  'actor',
  'actor_detail',
  'actor_id',
  'action',
  'entity_type',
  'entity',
  'entity_id',
  'before',
  'after',
  'event_id',
];

const line = (e: AuditEventView) =>
  csvLine([
    e.at.toISOString(),
    e.actor.kind,
    e.actor.name,
    e.actor.detail,
    e.actor.id,
    e.action,
    e.entityType,
    e.entityName,
    e.entityId,
    e.before == null ? '' : JSON.stringify(e.before),
    e.after == null ? '' : JSON.stringify(e.after),
    e.id,
  ]);

/**
 * The audit log for the page's filters as CSV, newest first, read in keyset batches while the
 * response streams, so a long history costs the memory of one batch. The role is checked, and
 * the first batch read, before anything is sent: a refusal is an error status, not a broken file.
 */
export async function openAuditCsv(actor: Actor, filter: AuditFilter): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  let page = await listAuditEvents(actor, { ...filter, cursor: undefined }, BATCH);
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(header)));
      }
      if (page.events.length) controller.enqueue(encoder.encode(page.events.map(line).join('')));
      if (!page.nextCursor) return controller.close();
      page = await listAuditEvents(actor, { ...filter, cursor: page.nextCursor }, BATCH);
    },
  });
}
