import { and, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { changeRecords, devices, supplierAnnouncementItems, supplierAnnouncements } from '@/db/schema';
import { parseInput } from '@/lib/pipeline/schema';
import { recordAudit } from '@/lib/audit/service';
import { asInputError, retryOnContention, sqlState } from '@/lib/errors';
import { announceInput, type AnnounceInput } from './schema';
import { resolveItems, type SupplierPrincipal } from './scope';

export interface AnnouncementView {
  id: string;
  component: string;
  version: string;
  windowStart: Date;
  windowEnd: Date;
  changeRef: string | null;
  items: { id: string; hostname: string }[];
  /** True when an earlier call with the same idempotency key already made it. */
  replayed: boolean;
}

const auditActor = (p: SupplierPrincipal) =>
  p.userId ? ({ kind: 'user', id: p.userId } as const) : ({ kind: 'pipeline', id: p.tokenId! } as const);

/**
 * A supplier announces planned work on items in its scope. All items or none: one outside the
 * scope refuses the whole announcement (403 naming it). The same idempotency key answers the
 * announcement it made the first time.
 */
export async function announceDeployment(p: SupplierPrincipal, input: AnnounceInput): Promise<AnnouncementView> {
  const data = parseInput(announceInput, input);
  const replay = async (): Promise<AnnouncementView | null> => {
    if (!data.idempotencyKey) return null;
    const [a] = await getDb()
      .select()
      .from(supplierAnnouncements)
      .where(and(eq(supplierAnnouncements.supplierId, p.supplierId), eq(supplierAnnouncements.idempotencyKey, data.idempotencyKey)));
    return a ? { ...(await viewOf(a.id)), replayed: true } : null;
  };
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    const id = await retryOnContention(() =>
      getDb().transaction(async (tx) => {
        const found = await resolveItems(tx, p.supplierId, data.items);
        const change = data.changeRef
          ? await tx.query.changeRecords.findFirst({ where: eq(changeRecords.reference, data.changeRef) })
          : undefined;
        const [a] = await tx
          .insert(supplierAnnouncements)
          .values({
            supplierId: p.supplierId,
            tokenId: p.tokenId,
            userId: p.userId,
            component: data.component,
            version: data.version,
            windowStart: data.windowStart,
            windowEnd: data.windowEnd,
            changeRef: data.changeRef ?? null,
            changeId: change?.id ?? null,
            idempotencyKey: data.idempotencyKey ?? null,
          })
          .returning();
        const deviceIds = [...new Set([...found.values()].map((d) => d.id))];
        await tx.insert(supplierAnnouncementItems).values(deviceIds.map((deviceId) => ({ announcementId: a!.id, deviceId })));
        await recordAudit(
          {
            actor: auditActor(p),
            action: 'supplier.announced',
            entityType: 'supplier',
            entityId: p.supplierId,
            after: { announcementId: a!.id, ...data, items: deviceIds },
          },
          tx,
        );
        return a!.id;
      }),
    );
    return { ...(await viewOf(id)), replayed: false };
  } catch (e) {
    // Two retries at once: the loser answers with the winner's announcement.
    if (sqlState(e) === '23505') {
      const again = await replay();
      if (again) return again;
    }
    throw asInputError(e);
  }
}

async function viewOf(id: string): Promise<Omit<AnnouncementView, 'replayed'>> {
  const db = getDb();
  const a = (await db.query.supplierAnnouncements.findFirst({ where: eq(supplierAnnouncements.id, id) }))!;
  const items = await db.query.supplierAnnouncementItems.findMany({ where: eq(supplierAnnouncementItems.announcementId, id) });
  const rows = items.length
    ? await db
        .select({ id: devices.id, hostname: devices.hostname })
        .from(devices)
        .where(
          inArray(
            devices.id,
            items.map((i) => i.deviceId),
          ),
        )
    : [];
  return {
    id,
    component: a.component,
    version: a.version,
    windowStart: a.windowStart,
    windowEnd: a.windowEnd,
    changeRef: a.changeRef,
    items: rows,
  };
}
