import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { artifacts, deployments, entitlements, releases } from '@/db/schema';
import { createDeployment, scheduleDeployment } from '@/lib/deployments/service';
import { createTarget } from '@/lib/deployments/targets';
import { setDevicePlacement } from '@/lib/devices/placement';
import { authorizeDownload } from '@/lib/dml/download';
import { ForbiddenError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { plan } from '../support/deployment-plans';
import { enrolledDevice, entitle, releasesOf } from '../support/deployments';

/*
 * The big bang through the real planning services (not row fixtures): activation supersedes the
 * device's older entitlement, and after the cut-over the old release must still be refused with
 * the 403 that names the deployment. Found by test/e2e/deployments-agents.spec.ts.
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
  it('after the cut-over the superseded release is refused naming the deployment; the new one is served', async () => {
    const [alice, dana, desk] = [await actor('alice@example.com'), await actor('dana@example.com'), await actor('desk@example.com')];
    const dev = await enrolledDevice(alice, 'bb-svc-1');
    await setDevicePlacement(desk, dev.id, { kind: 'workstation', site: null, country: null, environment: 'test' });
    const { product, releases: rs } = await releasesOf('git');
    const [old, neu] = [rs.at(-2)!, rs.at(-1)!];
    const requested = await entitle(dev.id, product.id, old.id);
    const asDevice = { kind: 'device' as const, deviceId: dev.id, ownerId: dev.ownerId };
    await expect(authorizeDownload(asDevice, await target(old.artifactId))).resolves.toBeTruthy();

    const t = await createTarget(dana, { name: 'Big bang device', description: '', rules: { deviceIds: [dev.id] } });
    const d = await createDeployment(
      dana,
      plan({ name: 'Git big bang (services)', releaseId: neu.id, targetId: t.id, cutoverAt: new Date(Date.now() + 3_600_000) }),
    );
    await scheduleDeployment(dana, d.id, 1);
    expect((await db().query.deployments.findFirst({ where: eq(deployments.id, d.id) }))!.status).toBe('active');
    // Activation gave the device the deployment's entitlement and superseded the requested one.
    expect((await db().query.entitlements.findFirst({ where: eq(entitlements.id, requested.id) }))!.status).toBe('revoked');

    const early = authorizeDownload(asDevice, await target(neu.artifactId));
    await expect(early).rejects.toBeInstanceOf(ForbiddenError);
    await expect(early).rejects.toThrow(/Git big bang \(services\)/);

    await db()
      .update(deployments)
      .set({ cutoverAt: new Date(Date.now() - 1_000) })
      .where(eq(deployments.id, d.id));
    const late = authorizeDownload(asDevice, await target(old.artifactId));
    await expect(late).rejects.toMatchObject({ status: 403, field: 'deployment' });
    await expect(late).rejects.toThrow(new RegExp(`Git big bang \\(services\\).*${d.id}.*${neu.version}`));
    await expect(authorizeDownload(asDevice, await target(neu.artifactId))).resolves.toBeTruthy();
  });
});
