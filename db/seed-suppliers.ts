import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './index';
import * as s from './schema';

const daysFromNow = (d: number) => new Date(Date.now() + d * 86_400_000);

/** The standing pre-approved standard change that routine live deployments (and test fixtures) cite. */
export const STANDING_LIVE_CHANGE = 'CHG0030000';

/** Network gear a supplier looks after (owned by Olga of IT Operations, like the server fleet). */
const networkFleet = [
  { hostname: 'edge-fw-01', site: 'Frankfurt DC', country: 'DE' },
  { hostname: 'core-sw-02', site: 'Dublin DC', country: 'IE' },
];

/**
 * Two suppliers with their scopes, the change records their work and the demo's live
 * deployments cite, and some history: Northwind's announced firmware update under an approved
 * change, and Contoso's unannounced OS patch on a live server (flagged unauthorised, so it
 * shows as drift). Running it again adds nothing.
 */
export async function seedSuppliers(db: Db, userId: Map<string, string>): Promise<void> {
  const owner = userId.get('ops2@example.com')!;
  const chris = userId.get('chris@example.com')!;
  const known = await db
    .select({ hostname: s.devices.hostname })
    .from(s.devices)
    .where(
      inArray(
        s.devices.hostname,
        networkFleet.map((d) => d.hostname),
      ),
    );
  const fresh = networkFleet.filter((d) => !known.some((k) => k.hostname === d.hostname));
  if (fresh.length)
    await db.insert(s.devices).values(
      fresh.map((d) => ({
        ...d,
        platform: 'linux-arm64' as const,
        kind: 'network' as const,
        environment: 'live',
        ownerId: owner,
        status: 'active' as const,
        lastSeenAt: daysFromNow(-1),
      })),
    );

  await db
    .insert(s.suppliers)
    .values([
      { name: 'Northwind Networks', contactEmail: 'noc@northwind.example', kinds: ['network'], sites: ['Frankfurt DC'] },
      { name: 'Contoso Hosting', contactEmail: 'ops@contoso.example', kinds: ['server'], environments: ['live'] },
    ])
    .onConflictDoNothing();
  const supplierId = new Map((await db.select().from(s.suppliers)).map((x) => [x.name, x.id]));
  const northwind = supplierId.get('Northwind Networks')!;
  const contoso = supplierId.get('Contoso Hosting')!;
  await db
    .update(s.users)
    .set({ supplierId: northwind })
    .where(and(eq(s.users.email, 'sam@supplier.example'), sql`${s.users.supplierId} is null`));

  const changes: (typeof s.changeRecords.$inferInsert)[] = [
    {
      reference: STANDING_LIVE_CHANGE,
      title: 'Standard change: routine software deployments into live',
      kind: 'standard',
      state: 'approved',
      windowStart: daysFromNow(-1),
      windowEnd: daysFromNow(90),
      requestedById: chris,
    },
    {
      reference: 'CHG0032002',
      title: 'VLC 3.0.21 to live servers (big bang)',
      kind: 'normal',
      state: 'approved',
      requiredApprovals: 2,
      windowStart: daysFromNow(9),
      windowEnd: daysFromNow(18),
      requestedById: userId.get('dana@example.com')!,
    },
    {
      reference: 'CHG0032100',
      title: 'Northwind: core switch firmware 17.9.4',
      kind: 'normal',
      state: 'implemented',
      requiredApprovals: 2,
      windowStart: daysFromNow(-3),
      windowEnd: daysFromNow(-2),
      supplierId: northwind,
    },
  ];
  await db.insert(s.changeRecords).values(changes).onConflictDoNothing();
  const firmwareChange = (await db.query.changeRecords.findFirst({ where: eq(s.changeRecords.reference, 'CHG0032100') }))!;

  const device = async (hostname: string) => (await db.query.devices.findFirst({ where: eq(s.devices.hostname, hostname) }))!;
  const [coreSw, edgeFw, srvLive] = [await device('core-sw-01'), await device('edge-fw-01'), await device('srv-live-02')];
  if (await db.query.supplierAnnouncements.findFirst({ where: eq(s.supplierAnnouncements.idempotencyKey, 'seed-firmware') })) return;
  const at = daysFromNow(-2.5);
  const [announcement] = await db
    .insert(s.supplierAnnouncements)
    .values({
      supplierId: northwind,
      component: 'Switch firmware',
      version: '17.9.4',
      windowStart: firmwareChange.windowStart,
      windowEnd: firmwareChange.windowEnd,
      changeRef: firmwareChange.reference,
      changeId: firmwareChange.id,
      idempotencyKey: 'seed-firmware',
    })
    .returning();
  await db.insert(s.supplierAnnouncementItems).values([coreSw, edgeFw].map((d) => ({ announcementId: announcement!.id, deviceId: d.id })));
  const common = { supplierId: northwind, channel: 'api' as const, announcementId: announcement!.id, changeId: firmwareChange.id };
  await db.insert(s.supplierEvents).values([
    {
      ...common,
      deviceId: coreSw.id,
      component: 'Switch firmware',
      version: '17.9.4',
      status: 'started',
      occurredAt: at,
      changeRef: 'CHG0032100',
      idempotencyKey: 'seed-1',
    },
    {
      ...common,
      deviceId: coreSw.id,
      component: 'Switch firmware',
      version: '17.9.4',
      status: 'succeeded',
      occurredAt: new Date(at.getTime() + 20 * 60_000),
      changeRef: 'CHG0032100',
      evidence: 'https://noc.northwind.example/tickets/4711',
      idempotencyKey: 'seed-2',
    },
    {
      ...common,
      deviceId: edgeFw.id,
      component: 'Switch firmware',
      version: '17.9.4',
      status: 'succeeded',
      occurredAt: new Date(at.getTime() + 40 * 60_000),
      changeRef: 'CHG0032100',
      evidence: 'Reloaded in the window; BGP sessions re-established.',
      idempotencyKey: 'seed-3',
    },
    {
      supplierId: contoso,
      channel: 'api',
      deviceId: srvLive.id,
      component: 'Ubuntu kernel security update',
      version: '6.8.0-49',
      status: 'succeeded',
      occurredAt: daysFromNow(-1),
      unauthorised: true,
      evidence: 'Applied by the hosting provider’s patch run.',
      idempotencyKey: 'seed-4',
    },
  ]);
}
