import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { artifacts, deployments, entitlements, products, releases } from '@/db/schema';
import { cutoverSwitchJob } from '@/lib/deployments/cutover-switch';
import { getDeploymentDetail } from '@/lib/deployments/queries';
import { createDeployment, scheduleDeployment, updateDeployment } from '@/lib/deployments/service';
import { seatsInUse } from '@/lib/deployments/seats';
import { createTarget } from '@/lib/deployments/targets';
import { setDevicePlacement } from '@/lib/devices/placement';
import { listPulls } from '@/lib/devices/pulls';
import { authorizeDownload } from '@/lib/dml/download';
import { ForbiddenError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { plan } from '../support/deployment-plans';
import { enrolledDevice, entitle, releasesOf } from '../support/deployments';

/*
 * The big bang through the real planning services (not row fixtures): until the cut-over the
 * device keeps its older entitlement and release; at the cut-over the switch revokes it and grants
 * the deployment's, and the old release is refused with the 403 that names the deployment.
 * Found by test/e2e/deployments-agents.spec.ts.
 */
const db = setupTestDb();

async function target(artifactId: string) {
  const [row] = await db()
    .select({ artifact: artifacts, release: releases })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .where(eq(artifacts.id, artifactId));
  return row!;
}

describe(`big bang through the planning services (${engine})`, () => {
  it('the old release stays served until the cut-over, then the new one replaces it', async () => {
    const [alice, dana, desk] = [await actor('alice@example.com'), await actor('dana@example.com'), await actor('desk@example.com')];
    const dev = await enrolledDevice(alice, 'bb-svc-1');
    await setDevicePlacement(desk, dev.id, { kind: 'workstation', site: null, country: null, environment: 'test' });
    const { product, releases: rs } = await releasesOf('git');
    const [old, neu] = [rs.at(-2)!, rs.at(-1)!];
    // A per-seat product whose seat the device holds through its request.
    await db().update(products).set({ seatLimit: 10, licenceModel: 'per-seat' }).where(eq(products.id, product.id));
    const requested = await entitle(dev.id, product.id, old.id);
    await db().update(entitlements).set({ holdsSeat: true }).where(eq(entitlements.id, requested.id));
    const asDevice = { kind: 'device' as const, deviceId: dev.id, ownerId: dev.ownerId };
    await expect(authorizeDownload(asDevice, await target(old.artifactId))).resolves.toBeTruthy();

    const t = await createTarget(dana, { name: 'Big bang device', description: '', rules: { deviceIds: [dev.id] } });
    const d = await createDeployment(
      dana,
      plan({ name: 'Git big bang (services)', releaseId: neu.id, targetId: t.id, cutoverAt: new Date(Date.now() + 3_600_000) }),
    );
    await scheduleDeployment(dana, d.id, 1);
    expect((await db().query.deployments.findFirst({ where: eq(deployments.id, d.id) }))!.status).toBe('active');
    const statusOf = async (id: string) => (await db().query.entitlements.findFirst({ where: eq(entitlements.id, id) }))!.status;

    // Before the cut-over the device keeps what it holds: the requested entitlement stays, the old
    // release is still listed and served, and the new one is refused naming the deployment.
    expect(await statusOf(requested.id)).toBe('active');
    await expect(authorizeDownload(asDevice, await target(old.artifactId))).resolves.toMatchObject({ entitlement: { id: requested.id } });
    expect((await listPulls(dev.id)).map((p) => p.release.id)).toEqual([old.id]);
    const early = authorizeDownload(asDevice, await target(neu.artifactId));
    await expect(early).rejects.toBeInstanceOf(ForbiddenError);
    await expect(early).rejects.toThrow(/Git big bang \(services\)/);
    // Its seat is held by that entitlement: not listed as waiting for one.
    expect(await getDeploymentDetail(dana, d.id)).toMatchObject({ waitingForSeat: [], seats: { waitingForSeat: 0 } });

    await db()
      .update(deployments)
      .set({ cutoverAt: new Date(Date.now() - 1_000) })
      .where(eq(deployments.id, d.id));
    // From the cut-over the old release is refused by name, whether or not the switch has run yet.
    const late = authorizeDownload(asDevice, await target(old.artifactId));
    await expect(late).rejects.toMatchObject({ status: 403, field: 'deployment' });
    await expect(late).rejects.toThrow(new RegExp(`Git big bang \\(services\\).*${d.id}.*${neu.version}`));

    // The switch queued for the cut-over: old entitlement revoked and the deployment's granted together.
    await cutoverSwitchJob.handler({ deploymentId: d.id }, { id: 'test', name: cutoverSwitchJob.name, retryCount: 0 });
    expect(await statusOf(requested.id)).toBe('revoked');
    await expect(authorizeDownload(asDevice, await target(neu.artifactId))).resolves.toMatchObject({ entitlement: { deploymentId: d.id } });
    expect((await listPulls(dev.id)).map((p) => p.release.id)).toEqual([neu.id]);
    expect(await seatsInUse(db(), product.id)).toBe(1); // the seat moved with the switch, none taken twice
    await expect(authorizeDownload(asDevice, await target(old.artifactId))).rejects.toMatchObject({ status: 403, field: 'deployment' });
  });
  it("moving a running big bang's cut-over to now switches the devices at once", async () => {
    const [alice, dana, desk] = [await actor('alice@example.com'), await actor('dana@example.com'), await actor('desk@example.com')];
    const dev = await enrolledDevice(alice, 'bb-svc-2');
    await setDevicePlacement(desk, dev.id, { kind: 'workstation', site: null, country: null, environment: 'test' });
    const { product, releases: rs } = await releasesOf('git');
    const [old, neu] = [rs.at(-2)!, rs.at(-1)!];
    const requested = await entitle(dev.id, product.id, old.id);
    const t = await createTarget(dana, { name: 'Big bang moved', description: '', rules: { deviceIds: [dev.id] } });
    const input = plan({ name: 'Git big bang moved', releaseId: neu.id, targetId: t.id, cutoverAt: new Date(Date.now() + 3_600_000) });
    const d = await createDeployment(dana, input);
    await scheduleDeployment(dana, d.id, 1);
    const statusOf = async (id: string) => (await db().query.entitlements.findFirst({ where: eq(entitlements.id, id) }))!.status;
    expect(await statusOf(requested.id)).toBe('active');

    await updateDeployment(dana, d.id, { ...input, cutoverAt: new Date() }, { expectedVersion: 1, reason: 'Everyone is ready' });
    expect(await statusOf(requested.id)).toBe('revoked');
    const asDevice = { kind: 'device' as const, deviceId: dev.id, ownerId: dev.ownerId };
    await expect(authorizeDownload(asDevice, await target(neu.artifactId))).resolves.toMatchObject({ entitlement: { deploymentId: d.id } });
  });
});
