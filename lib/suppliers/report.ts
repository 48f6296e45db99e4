import { and, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { supplierAnnouncementItems, supplierAnnouncements, supplierEvents, suppliers, type SupplierEvent } from '@/db/schema';
import { parseInput } from '@/lib/pipeline/schema';
import { recordAudit } from '@/lib/audit/service';
import { changeManagers } from '@/lib/changes/service';
import { changeProblem, DONE_OR_AUTHORISED, GATED_ENVIRONMENT } from '@/lib/changes/gate';
import { asInputError, ForbiddenError, retryOnContention, sqlState, ValidationError } from '@/lib/errors';
import { notify } from '@/lib/notifications/service';
import { reportInput, type ReportInput } from './schema';
import { resolveItems, type SupplierPrincipal } from './scope';

export interface ReportResult {
  item: string;
  deviceId: string;
  eventId: number;
  announced: boolean;
  unauthorised: boolean;
  /** Recorded by an earlier call with the same idempotency key; nothing new was written. */
  replayed: boolean;
}

type Channel = SupplierEvent['channel'];
const SKEW_MS = 5 * 60_000;

/**
 * A supplier reports what it did, per item. The batch is all-or-nothing: any item outside the
 * supplier's scope (403 naming it) or any bad field (422 naming it) stores nothing. Each item's
 * idempotency key (its own, or the batch key + its position) makes a retry record nothing twice.
 * Work in live without an approved change covering it is accepted — it already happened — but
 * flagged unauthorised, and the change managers are told in the same transaction.
 */
export async function reportDeployments(p: SupplierPrincipal, input: ReportInput, channel: Channel = 'api'): Promise<ReportResult[]> {
  const data = parseInput(reportInput, input);
  const now = Date.now();
  data.reports.forEach((r, i) => {
    if (r.occurredAt && r.occurredAt.getTime() > now + SKEW_MS)
      throw new ValidationError('occurredAt is in the future.', `reports[${i}].occurredAt`);
    if (!r.component && !data.component && !data.announcementId)
      throw new ValidationError('Say what was deployed (component).', `reports[${i}].component`);
  });
  const run = () => retryOnContention(() => getDb().transaction((tx) => recordBatch(tx, p, data, channel)));
  try {
    return await run();
  } catch (e) {
    // A concurrent retry of the same batch won the race for a key: run again, now as a replay.
    if (sqlState(e) === '23505') return run();
    throw asInputError(e);
  }
}

async function recordBatch(
  tx: Tx,
  p: SupplierPrincipal,
  data: ReturnType<typeof reportInput.parse>,
  channel: Channel,
): Promise<ReportResult[]> {
  const found = await resolveItems(
    tx,
    p.supplierId,
    data.reports.map((r) => r.item),
    'reports',
  );
  const named = data.announcementId
    ? await tx.query.supplierAnnouncements.findFirst({
        where: and(eq(supplierAnnouncements.id, data.announcementId), eq(supplierAnnouncements.supplierId, p.supplierId)),
      })
    : undefined;
  if (data.announcementId && !named) throw new ForbiddenError('This announcement is not one of this supplier’s.', 'announcementId');
  const keys = data.reports.map((r, i) => r.idempotencyKey ?? (data.idempotencyKey ? `${data.idempotencyKey}#${i}` : null));
  const present = keys.filter((k): k is string => k !== null);
  const earlier = present.length
    ? await tx
        .select()
        .from(supplierEvents)
        .where(and(eq(supplierEvents.supplierId, p.supplierId), inArray(supplierEvents.idempotencyKey, present)))
    : [];
  const results: ReportResult[] = [];
  const flagged: { hostname: string; problem: string }[] = [];
  for (const [i, r] of data.reports.entries()) {
    const device = found.get(r.item)!;
    const key = keys[i]!;
    const seen = key ? earlier.find((e) => e.idempotencyKey === key) : undefined;
    if (seen) {
      results.push({
        item: r.item,
        deviceId: device.id,
        eventId: seen.id,
        announced: !!seen.announcementId,
        unauthorised: seen.unauthorised,
        replayed: true,
      });
      continue;
    }
    const occurredAt = r.occurredAt ?? new Date();
    const component = r.component ?? data.component ?? named?.component;
    // Announced: an announcement of this supplier names the device and its window covers the moment.
    const [announcement] = await tx
      .select({ id: supplierAnnouncements.id, component: supplierAnnouncements.component, changeRef: supplierAnnouncements.changeRef })
      .from(supplierAnnouncements)
      .innerJoin(supplierAnnouncementItems, eq(supplierAnnouncementItems.announcementId, supplierAnnouncements.id))
      .where(
        and(
          eq(supplierAnnouncements.supplierId, p.supplierId),
          eq(supplierAnnouncementItems.deviceId, device.id),
          lte(supplierAnnouncements.windowStart, occurredAt),
          gte(supplierAnnouncements.windowEnd, occurredAt),
          named ? eq(supplierAnnouncements.id, named.id) : sql`lower(${supplierAnnouncements.component}) = lower(${component ?? ''})`,
        ),
      )
      .orderBy(desc(supplierAnnouncements.createdAt))
      .limit(1);
    const changeRef = r.changeRef ?? data.changeRef ?? announcement?.changeRef ?? named?.changeRef ?? null;
    const gate = await changeProblem(tx, changeRef, occurredAt, null, DONE_OR_AUTHORISED);
    const unauthorised = device.environment === GATED_ENVIRONMENT && gate.problem !== null;
    if (unauthorised) flagged.push({ hostname: device.hostname, problem: gate.problem! });
    const [row] = await tx
      .insert(supplierEvents)
      .values({
        supplierId: p.supplierId,
        tokenId: p.tokenId,
        userId: p.userId,
        channel,
        deviceId: device.id,
        announcementId: announcement?.id ?? null,
        changeId: gate.change?.id ?? null,
        changeRef,
        component: component!,
        version: r.version,
        status: r.status,
        sha256: r.sha256 ?? null,
        evidence: r.evidence || null,
        unauthorised,
        idempotencyKey: key,
        occurredAt,
      })
      .returning({ id: supplierEvents.id });
    results.push({ item: r.item, deviceId: device.id, eventId: row!.id, announced: !!announcement, unauthorised, replayed: false });
  }
  const fresh = results.filter((r) => !r.replayed);
  if (fresh.length) {
    await recordAudit(
      {
        actor: p.userId ? { kind: 'user', id: p.userId } : { kind: 'pipeline', id: p.tokenId! },
        action: 'supplier.reported',
        entityType: 'supplier',
        entityId: p.supplierId,
        after: { channel, events: fresh.map((r) => r.eventId), unauthorised: flagged.length },
      },
      tx,
    );
  }
  if (flagged.length) {
    const supplier = await tx.query.suppliers.findFirst({ where: eq(suppliers.id, p.supplierId) });
    await notify(tx, await changeManagers(tx), {
      kind: 'unauthorised_change',
      title: `Unauthorised change by ${supplier?.name ?? 'a supplier'}`,
      body: flagged.map((f) => `${f.hostname}: ${f.problem}`).join('\n'),
      link: '/desk/drift',
    });
  }
  return results;
}
