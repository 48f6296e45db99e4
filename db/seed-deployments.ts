import { and, eq, inArray, isNull } from 'drizzle-orm';
import { assignDevices } from '../lib/deployments/assign';
import type { Db } from './index';
import * as s from './schema';

/** Where the demo devices live: sites in several countries, and every environment. */
const placements: Record<string, { site: string; country: string; environment?: string; kind?: s.DeviceKind }> = {
  'ALICE-LT-4411': { site: 'Berlin', country: 'DE' },
  'alice-mbp': { site: 'Berlin', country: 'DE' },
  'bob-studio': { site: 'London', country: 'GB' },
  'FIN-LT-0192': { site: 'Dublin', country: 'IE' },
  'maria-xps': { site: 'Berlin', country: 'DE', environment: 'staging' },
  'sec-ws-01': { site: 'Frankfurt DC', country: 'DE' },
  'OPS-SURFACE-7': { site: 'London', country: 'GB', environment: 'test' },
  'DESK-WS-12': { site: 'Berlin', country: 'DE' },
};

/** Servers and test machines IT Operations looks after (owned by Olga, an approver). */
export const seedFleet: {
  hostname: string;
  platform: s.Platform;
  kind: s.DeviceKind;
  site: string;
  country: string;
  environment: string;
}[] = [
  { hostname: 'srv-test-01', platform: 'linux-x64', kind: 'server', site: 'Frankfurt DC', country: 'DE', environment: 'test' },
  { hostname: 'srv-test-02', platform: 'linux-x64', kind: 'server', site: 'Dublin DC', country: 'IE', environment: 'test' },
  { hostname: 'srv-stg-01', platform: 'linux-x64', kind: 'server', site: 'Frankfurt DC', country: 'DE', environment: 'staging' },
  { hostname: 'srv-live-01', platform: 'linux-x64', kind: 'server', site: 'Frankfurt DC', country: 'DE', environment: 'live' },
  { hostname: 'srv-live-02', platform: 'linux-x64', kind: 'server', site: 'Dublin DC', country: 'IE', environment: 'live' },
  { hostname: 'WIN-TEST-07', platform: 'windows-x64', kind: 'workstation', site: 'Berlin', country: 'DE', environment: 'test' },
  { hostname: 'WIN-STG-03', platform: 'windows-x64', kind: 'workstation', site: 'London', country: 'GB', environment: 'staging' },
  { hostname: 'core-sw-01', platform: 'linux-arm64', kind: 'network', site: 'Frankfurt DC', country: 'DE', environment: 'live' },
];

const daysFromNow = (d: number) => new Date(Date.now() + d * 86_400_000);

/**
 * Environments, targets and deployments for the demo: live needs 2 of the 3 members of the
 * change advisory board; one deployment is active (its devices assigned), one scheduled, one a
 * draft into live. Running it again adds nothing.
 */
export async function seedDeployments(db: Db, userId: Map<string, string>, groupId: Map<string, string>): Promise<void> {
  const fleetOwner = userId.get('ops2@example.com')!;
  for (const [hostname, p] of Object.entries(placements))
    await db
      .update(s.devices)
      .set(p)
      .where(and(eq(s.devices.hostname, hostname), isNull(s.devices.site)));
  const known = await db
    .select({ hostname: s.devices.hostname })
    .from(s.devices)
    .where(
      inArray(
        s.devices.hostname,
        seedFleet.map((d) => d.hostname),
      ),
    );
  const fresh = seedFleet.filter((d) => !known.some((k) => k.hostname === d.hostname));
  if (fresh.length)
    await db
      .insert(s.devices)
      .values(fresh.map((d) => ({ ...d, ownerId: fleetOwner, status: 'active' as const, lastSeenAt: daysFromNow(-1) })));

  await db
    .update(s.environments)
    .set({ approvalGroupId: groupId.get('Change advisory board')!, requiredApprovals: 2 })
    .where(and(eq(s.environments.key, 'live'), isNull(s.environments.approvalGroupId)));

  const dana = userId.get('dana@example.com')!;
  const targetRows: { name: string; description: string; rules: s.TargetRules }[] = [
    {
      name: 'Linux servers',
      description: 'Every Linux server, all sites',
      rules: { kinds: ['server'], platforms: ['linux-x64', 'linux-arm64'] },
    },
    {
      name: 'Windows workstations',
      description: 'Windows desktops and laptops',
      rules: { kinds: ['workstation'], platforms: ['windows-x64', 'windows-arm64'] },
    },
    {
      name: 'Engineering devices',
      description: "Devices of the Engineering group's members",
      rules: { groupIds: [groupId.get('Engineering')!] },
    },
  ];
  await db
    .insert(s.targets)
    .values(targetRows.map((t) => ({ ...t, createdById: dana })))
    .onConflictDoNothing();
  const targetId = new Map((await db.select().from(s.targets)).map((t) => [t.name, t.id]));

  const release = async (slug: string, version: string) => {
    const [r] = await db
      .select({ id: s.releases.id, productId: s.releases.productId })
      .from(s.releases)
      .innerJoin(s.products, eq(s.products.id, s.releases.productId))
      .where(and(eq(s.products.slug, slug), eq(s.releases.version, version)));
    return r!;
  };
  const vlc = await release('vlc-media-player', '3.0.21');
  const powertoys = await release('powertoys', '0.93.0');
  const plans: (typeof s.deployments.$inferInsert)[] = [
    {
      name: 'VLC 3.0.21 on test servers',
      ...{ productId: vlc.productId, releaseId: vlc.id },
      targetId: targetId.get('Linux servers')!,
      environment: 'test',
      intent: 'required',
      status: 'active',
      availableFrom: daysFromNow(-2),
      activatedAt: daysFromNow(-2),
      deadline: daysFromNow(5),
      windowStartMinute: 22 * 60,
      windowEndMinute: 4 * 60,
      windowTimeZone: 'Europe/Berlin',
      changeRef: 'CHG0032001',
      createdById: dana,
    },
    {
      name: 'PowerToys 0.93 for Windows test machines',
      ...{ productId: powertoys.productId, releaseId: powertoys.id },
      targetId: targetId.get('Windows workstations')!,
      environment: 'test',
      intent: 'available',
      status: 'scheduled',
      availableFrom: daysFromNow(4),
      createdById: dana,
    },
    {
      name: 'VLC 3.0.21 to live servers (big bang)',
      ...{ productId: vlc.productId, releaseId: vlc.id },
      targetId: targetId.get('Linux servers')!,
      environment: 'live',
      intent: 'required',
      status: 'draft',
      availableFrom: daysFromNow(10),
      deadline: daysFromNow(17),
      cutoverAt: daysFromNow(14),
      changeRef: 'CHG0032002',
      createdById: dana,
    },
  ];
  for (const plan of plans) {
    if (await db.query.deployments.findFirst({ where: eq(s.deployments.name, plan.name) })) continue;
    await db.transaction(async (tx) => {
      const [d] = await tx.insert(s.deployments).values(plan).returning();
      await tx
        .insert(s.deploymentRevisions)
        .values({ deploymentId: d!.id, version: 1, snapshot: plan, changedById: dana, reason: 'Created' });
      if (d!.status === 'active') await assignDevices(tx, d!.id);
    });
  }
}
