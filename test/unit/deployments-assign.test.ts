import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, deploymentAssignments, deployments, devices, entitlements, targets } from '@/db/schema';
import { assignDevices } from '@/lib/deployments/assign';
import { claimAvailable } from '@/lib/deployments/claim';
import { runDeploymentSchedule } from '@/lib/deployments/lifecycle';
import { getDeploymentDetail } from '@/lib/deployments/queries';
import { cancelDeployment, createDeployment, scheduleDeployment } from '@/lib/deployments/service';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { fleetAt, plan, publishedRelease, report, siteTarget } from '../support/deployment-plans';

const db = setupTestDb();
const dana = () => actor('dana@example.com');

async function activeDeployment(site: string, slug: string, over: Partial<Parameters<typeof plan>[0]> = {}) {
  const m = await dana();
  const target = await siteTarget(m, site);
  const { release, product } = await publishedRelease(slug);
  const { id } = await createDeployment(m, plan({ releaseId: release.id, targetId: target.id, ...over }));
  await scheduleDeployment(m, id, 1);
  await runDeploymentSchedule();
  return { id, release, product, targetId: target.id };
}

const live = (deploymentId: string) =>
  db()
    .select()
    .from(deploymentAssignments)
    .where(and(eq(deploymentAssignments.deploymentId, deploymentId), isNull(deploymentAssignments.endedAt)));
const seatsHeld = async (productId: string) =>
  (
    await db()
      .select()
      .from(entitlements)
      .where(and(eq(entitlements.productId, productId), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true)))
  ).length;

describe(`assignment rule and licence seats (${engine})`, () => {
  it('required into a seat-limited product: shortfall shown before scheduling, never more seats than exist, the rest wait visibly', async () => {
    const m = await dana();
    const fleet = await fleetAt('SeatA', 4);
    const target = await siteTarget(m, 'SeatA');
    const { release, product } = await publishedRelease('blender', 2);
    const { id } = await createDeployment(m, plan({ releaseId: release.id, targetId: target.id }));
    expect((await getDeploymentDetail(m, id)).seats).toMatchObject({ limit: 2, inUse: 0, free: 2, needing: 4, shortfall: 2 });
    await scheduleDeployment(m, id, 1);
    await runDeploymentSchedule();

    expect(await live(id)).toHaveLength(4);
    expect(await seatsHeld(product.id)).toBe(2);
    const detail = await getDeploymentDetail(m, id);
    expect(detail.seats).toMatchObject({ waitingForSeat: 2, free: 0 });
    const granted = await db().select().from(entitlements).where(eq(entitlements.deploymentId, id));
    const withoutSeat = fleet.filter((d) => !granted.some((e) => e.deviceId === d.id)).map((d) => d.hostname);
    expect(detail.waitingForSeat.map((w) => w.hostname).sort()).toEqual(withoutSeat.sort());
    expect(withoutSeat).toHaveLength(2);
    expect(granted.every((e) => e.releaseId === release.id && e.holdsSeat && e.status === 'active')).toBe(true);

    // A device leaves (retired): its assignment ends, its seat goes to a waiting device at the next sweep.
    const holder = granted[0]!;
    await db().update(devices).set({ status: 'retired' }).where(eq(devices.id, holder.deviceId));
    await runDeploymentSchedule();
    expect(await live(id)).toHaveLength(3);
    expect(await seatsHeld(product.id)).toBe(2);
    expect((await getDeploymentDetail(m, id)).seats.waitingForSeat).toBe(1);
    expect((await db().query.entitlements.findFirst({ where: eq(entitlements.id, holder.id) }))!.status).toBe('revoked');

    // Running the sweep again changes nothing.
    const before = await db().$count(auditEvents, eq(auditEvents.entityId, id));
    await runDeploymentSchedule();
    expect(await db().$count(auditEvents, eq(auditEvents.entityId, id))).toBe(before);
  });

  it('assigns devices that join the target later and only those in its environment; cancel ends them and frees the seats', async () => {
    const { id, product } = await activeDeployment('JoinA', 'inkscape');
    expect(await live(id)).toHaveLength(0);
    await fleetAt('JoinA', 2);
    await fleetAt('JoinA', 1, { environment: 'live' }); // same site, other environment
    await runDeploymentSchedule();
    expect(await live(id)).toHaveLength(2);
    await db()
      .update(targets)
      .set({ rules: { sites: ['Elsewhere'] } })
      .where(eq(targets.id, (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!.targetId));
    await runDeploymentSchedule();
    expect(await live(id)).toHaveLength(0);
    const ents = await db().select().from(entitlements).where(eq(entitlements.deploymentId, id));
    expect(ents.map((e) => e.status)).toEqual(['revoked', 'revoked']);
    expect(product.id).toBeTruthy();
  });

  it('a deployment entitlement supersedes an older one of the same device and product, and moves its seat', async () => {
    const fleet = await fleetAt('SupA', 1);
    const { product, release } = await publishedRelease('gimp', 1);
    const [old] = await db()
      .insert(entitlements)
      .values({ userId: fleet[0]!.ownerId, deviceId: fleet[0]!.id, productId: product.id, releaseId: release.id, holdsSeat: true })
      .returning();
    const { id } = await activeDeployment('SupA', 'gimp');
    expect(await seatsHeld(product.id)).toBe(1);
    expect((await db().query.entitlements.findFirst({ where: eq(entitlements.id, old!.id) }))!.status).toBe('revoked');
    expect((await live(id))[0]!.entitlementId).not.toBeNull();
  });

  it('available: the owner or the device claims (seat taken then), others cannot; no seat free is a 409; claiming twice is the same', async () => {
    const fleet = await fleetAt('AvailA', 3);
    const { id, product } = await activeDeployment('AvailA', 'figma', { intent: 'available' });
    await db()
      .update((await import('@/db/schema')).products)
      .set({ seatLimit: 1 })
      .where(eq((await import('@/db/schema')).products.id, product.id));
    expect((await live(id)).every((a) => a.entitlementId === null)).toBe(true);
    const [a, b, c] = fleet as [(typeof fleet)[number], (typeof fleet)[number], (typeof fleet)[number]];
    const ownerA = { id: a.ownerId, email: 'x', name: 'x', roles: ['requester' as const] };
    await expect(claimAvailable({ kind: 'user', actor: ownerA }, id, b.id)).rejects.toBeInstanceOf(NotFoundError);
    const first = await claimAvailable({ kind: 'user', actor: ownerA }, id, a.id);
    expect(await claimAvailable({ kind: 'device', deviceId: a.id }, id, a.id)).toEqual(first);
    await expect(claimAvailable({ kind: 'device', deviceId: b.id }, id, b.id)).rejects.toThrow(/licence seats/);
    await expect(claimAvailable({ kind: 'device', deviceId: b.id }, id, c.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(claimAvailable({ kind: 'device', deviceId: a.id }, 'bad', a.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await seatsHeld(product.id)).toBe(1);
    await cancelDeployment(await dana(), id, 'Licence ran out');
    expect(await seatsHeld(product.id)).toBe(0);
    await expect(claimAvailable({ kind: 'device', deviceId: b.id }, id, b.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a required deployment cannot be claimed; assignDevices does nothing to a deployment that is not active', async () => {
    const fleet = await fleetAt('ReqA', 1);
    const { id } = await activeDeployment('ReqA', 'obsidian');
    await expect(claimAvailable({ kind: 'device', deviceId: fleet[0]!.id }, id, fleet[0]!.id)).rejects.toBeInstanceOf(ConflictError);
    await cancelDeployment(await dana(), id, 'stop');
    const r = await db().transaction((tx) => assignDevices(tx, id));
    expect(r).toMatchObject({ assigned: 0, ended: 0, granted: 0 });
  });

  it('runDeploymentSchedule: activates at availableFrom, once, even when run concurrently; completes after deadline + grace', async () => {
    const m = await dana();
    await fleetAt('ClockA', 3);
    const target = await siteTarget(m, 'ClockA');
    const { release } = await publishedRelease('postman');
    const start = new Date(Date.now() + 3_600_000);
    const { id } = await createDeployment(
      m,
      plan({ releaseId: release.id, targetId: target.id, availableFrom: start, deadline: new Date(start.getTime() + 86_400_000) }),
    );
    await scheduleDeployment(m, id, 1);
    expect((await runDeploymentSchedule()).activated).not.toContain(id);
    const at = new Date(start.getTime() + 1000);
    const runs = await Promise.all([runDeploymentSchedule(at), runDeploymentSchedule(at), runDeploymentSchedule(at)]);
    expect(runs.flatMap((r) => r.activated).filter((x) => x === id)).toHaveLength(1);
    expect(await live(id)).toHaveLength(3);
    expect(await db().$count(auditEvents, and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'deployment.activated')))).toBe(1);
    expect(await db().$count(entitlements, eq(entitlements.deploymentId, id))).toBe(3);

    expect((await runDeploymentSchedule(new Date(start.getTime() + 86_400_000 + 1000))).completed).not.toContain(id); // inside grace
    const late = new Date(start.getTime() + 3 * 86_400_000);
    const done = await Promise.all([runDeploymentSchedule(late), runDeploymentSchedule(late)]);
    expect(done.flatMap((r) => r.completed).filter((x) => x === id)).toHaveLength(1);
    expect(await db().query.deployments.findFirst({ where: eq(deployments.id, id) })).toMatchObject({
      status: 'completed',
      closedReason: 'The deadline passed.',
    });
  });

  it('completes when every assigned device succeeded, not before', async () => {
    const fleet = await fleetAt('DoneA', 2);
    const { id, release } = await activeDeployment('DoneA', 'slack');
    await report(id, release.id, fleet[0]!, 'install_succeeded');
    expect((await runDeploymentSchedule()).completed).not.toContain(id);
    await report(id, release.id, fleet[1]!, 'install_failed');
    await report(id, release.id, fleet[1]!, 'install_succeeded');
    expect((await runDeploymentSchedule()).completed).toContain(id);
  });
});
