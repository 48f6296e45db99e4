import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { entitlements, products } from '@/db/schema';
import { claimAvailable } from '@/lib/deployments/claim';
import { runDeploymentSchedule } from '@/lib/deployments/lifecycle';
import { createDeployment, scheduleDeployment } from '@/lib/deployments/service';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { fleetAt, plan, publishedRelease, siteTarget } from '../support/deployment-plans';

const db = setupTestDb();

const seatsHeld = async (productId: string) =>
  db().$count(
    entitlements,
    and(eq(entitlements.productId, productId), eq(entitlements.status, 'active'), eq(entitlements.holdsSeat, true)),
  );

describe(`deployment seats under concurrency (${engine})`, () => {
  it('30 simultaneous claims of an available deployment for 5 seats: exactly 5 granted, the rest a 409, no 5xx', async () => {
    const m = await actor('dana@example.com');
    const fleet = await fleetAt('RaceA', 30);
    const { release, product } = await publishedRelease('blender', 5);
    const { id } = await createDeployment(
      m,
      plan({ releaseId: release.id, targetId: (await siteTarget(m, 'RaceA')).id, intent: 'available' }),
    );
    await scheduleDeployment(m, id, 1);
    await runDeploymentSchedule();
    const results = await Promise.allSettled(fleet.map((d) => claimAvailable({ kind: 'device', deviceId: d.id }, id, d.id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(25);
    expect(refused.every((r) => (r.reason as { status?: number }).status === 409)).toBe(true);
    expect(await seatsHeld(product.id)).toBe(5);
  });

  it('two required deployments of one product activating at once, plus claims, never exceed the seats', async () => {
    const m = await actor('dana@example.com');
    await fleetAt('RaceB', 12);
    const avail = await fleetAt('RaceC', 12);
    const { release, product } = await publishedRelease('inkscape', 8);
    const a = await createDeployment(m, plan({ releaseId: release.id, targetId: (await siteTarget(m, 'RaceB')).id }));
    const b = await createDeployment(m, plan({ releaseId: release.id, targetId: (await siteTarget(m, 'RaceC')).id, intent: 'available' }));
    await scheduleDeployment(m, a.id, 1);
    await scheduleDeployment(m, b.id, 1);
    // b activates first so its devices are assigned, then a races with the claims and other runners.
    await db()
      .update((await import('@/db/schema')).deployments)
      .set({ availableFrom: new Date(Date.now() + 3_600_000) })
      .where(eq((await import('@/db/schema')).deployments.id, a.id));
    await runDeploymentSchedule();
    const later = new Date(Date.now() + 2 * 3_600_000);
    await Promise.allSettled([
      runDeploymentSchedule(later),
      runDeploymentSchedule(later),
      ...avail.map((d) => claimAvailable({ kind: 'device', deviceId: d.id }, b.id, d.id)),
    ]);
    expect(await seatsHeld(product.id)).toBe(8);
    const limit = (await db().query.products.findFirst({ where: eq(products.id, product.id) }))!.seatLimit;
    expect(limit).toBe(8);
  });
});
