import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { entitlements, products } from '@/db/schema';
import { getMySoftware } from '@/lib/deployments/my-software';
import { listPulls } from '@/lib/devices/pulls';
import { recordInstallEvents } from '@/lib/installs/record';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { enrolledDevice, entitle, releasesOf } from '../support/deployments';

const db = setupTestDb();

type Device = Awaited<ReturnType<typeof enrolledDevice>>;
const report = (
  device: Device,
  type: 'install_succeeded' | 'install_failed' | 'download_failed',
  artifactId: string,
  at: Date,
  errorText?: string,
) =>
  recordInstallEvents(device.auth, [
    { idempotencyKey: randomUUID(), type, artifactId, occurredAt: at.toISOString(), ...(errorText ? { errorText } : {}) },
  ]);

async function firefoxPair() {
  const { product, releases } = await releasesOf('firefox');
  const published = releases.filter((r) => r.status === 'published');
  expect(published.length).toBeGreaterThanOrEqual(2);
  return { product, older: published[0]!, newest: published.at(-1)! };
}

describe(`My software: updates, waiting, failures (${engine})`, { timeout: 60_000 }, () => {
  it('offers an update only when the entitlement covers a newer published release, and the device is offered it', async () => {
    const alice = await actor('alice@example.com');
    const { product, older, newest } = await firefoxPair();

    const exact = await enrolledDevice(alice, 'ALICE-MS-EXACT');
    await entitle(exact.id, product.id, older.id, false);
    await report(exact, 'install_succeeded', older.artifactId, new Date());
    expect((await getMySoftware(alice, exact.id)).updates).toEqual([]);

    const later = await enrolledDevice(alice, 'ALICE-MS-LATER');
    const grant = await entitle(later.id, product.id, older.id, true);
    await report(later, 'install_succeeded', older.artifactId, new Date());
    const sw = await getMySoftware(alice, later.id);
    expect(sw.device.agentManaged).toBe(true);
    expect(sw.updates).toEqual([
      { product: { slug: 'firefox', name: product.name }, from: older.version, to: newest.version, requestId: grant.requestId },
    ]);
    // What the page calls an update is what the agent fetches at its next sync.
    expect((await listPulls(later.id)).find((p) => p.product.slug === 'firefox')?.release.id).toBe(newest.id);

    // Once the agent reports the newer one, nothing is left to update.
    await report(later, 'install_succeeded', newest.artifactId, new Date(Date.now() + 1000));
    expect((await getMySoftware(alice, later.id)).updates).toEqual([]);
  });

  it('lists the owner’s open requests with who they wait for', async () => {
    const alice = await actor('alice@example.com');
    const device = await enrolledDevice(alice, 'ALICE-MS-WAIT');
    const intellij = (await db().query.products.findFirst({ where: eq(products.slug, 'intellij-idea') }))!;
    const { id } = await submitRequest(alice, { productId: intellij.id, deviceId: device.id, justification: 'Kotlin work on billing.' });
    const { waiting } = await getMySoftware(alice, device.id);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({
      requestId: id,
      status: 'pending_approval',
      approvers: ['Maria Manager'],
      product: { slug: 'intellij-idea' },
    });
    await expect(getMySoftware(await actor('bob@example.com'), device.id)).rejects.toThrow(/No such device/);
  });

  it('shows the latest failure with its text, says whether the agent retries, and forgets it after a success', async () => {
    const alice = await actor('alice@example.com');
    const device = await enrolledDevice(alice, 'ALICE-MS-FAIL');
    const { product, older } = await firefoxPair();
    const grant = await entitle(device.id, product.id, older.id, false);
    const t0 = Date.now();
    await report(device, 'download_failed', older.artifactId, new Date(t0), 'connection reset');
    await report(device, 'install_failed', older.artifactId, new Date(t0 + 1000), 'exit code 3: disk full');
    let { failed } = await getMySoftware(alice, device.id);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      type: 'install_failed',
      errorText: 'exit code 3: disk full',
      version: older.version,
      offeredAgain: true,
    });
    expect(failed[0]!.at.getTime()).toBe(t0 + 1000);

    // No longer entitled: the agent will not try again, and the page must not say it will.
    await db().update(entitlements).set({ status: 'revoked' }).where(eq(entitlements.id, grant.id));
    ({ failed } = await getMySoftware(alice, device.id));
    expect(failed[0]!.offeredAgain).toBe(false);

    // Entitled again, the agent's next attempt succeeds: the failure is history.
    await db().update(entitlements).set({ status: 'active' }).where(eq(entitlements.id, grant.id));
    await report(device, 'install_succeeded', older.artifactId, new Date(t0 + 2000));
    expect((await getMySoftware(alice, device.id)).failed).toEqual([]);
  });
});
