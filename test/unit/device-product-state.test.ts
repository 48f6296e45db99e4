import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { products } from '@/db/schema';
import { recordInstallEvents } from '@/lib/installs/record';
import { installedOnMyDevices, namesOr, waitingFor } from '@/lib/requests/device-product-state';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { enrolledDevice, entitle, releasesOf } from '../support/deployments';

const db = setupTestDb();

describe(`what the product page says per device (${engine})`, { timeout: 60_000 }, () => {
  it('reports the installed version from the ledger, for the owner’s devices only', async () => {
    const alice = await actor('alice@example.com');
    const device = await enrolledDevice(alice, 'ALICE-STATE-1');
    const { product, releases } = await releasesOf('firefox');
    const older = releases.find((r) => r.status === 'published')!;
    await entitle(device.id, product.id, older.id, true);
    expect((await installedOnMyDevices(alice, product.id)).get(device.id)).toBeUndefined();
    await recordInstallEvents(device.auth, [
      { idempotencyKey: randomUUID(), type: 'install_succeeded', artifactId: older.artifactId, occurredAt: new Date().toISOString() },
    ]);
    expect((await installedOnMyDevices(alice, product.id)).get(device.id)).toEqual({ version: older.version, releaseId: older.id });
    // Another person sees nothing of Alice's devices.
    expect((await installedOnMyDevices(await actor('bob@example.com'), product.id)).size).toBe(0);
  });

  it('names who a pending request waits for, and only to its requester', async () => {
    const alice = await actor('alice@example.com');
    const device = await enrolledDevice(alice, 'ALICE-STATE-2');
    const intellij = (await db().query.products.findFirst({ where: eq(products.slug, 'intellij-idea') }))!;
    const { id } = await submitRequest(alice, {
      productId: intellij.id,
      deviceId: device.id,
      justification: 'I maintain the billing service in Kotlin.',
    });
    expect((await waitingFor(alice, [id])).get(id)).toEqual(['Maria Manager']);
    expect((await waitingFor(await actor('bob@example.com'), [id])).has(id)).toBe(false);
  });

  it('lists names readably', () => {
    expect(namesOr([])).toBe('an approver');
    expect(namesOr(['Maria'])).toBe('Maria');
    expect(namesOr(['Maria', 'Tom'])).toBe('Maria or Tom');
    expect(namesOr(['A', 'B', 'C', 'D', 'E'])).toBe('A, B or 3 others');
  });
});
