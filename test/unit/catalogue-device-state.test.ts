import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogueDeviceStates } from '@/lib/catalogue/device-state';
import { NotFoundError } from '@/lib/errors';
import { recordInstallEvents } from '@/lib/installs/record';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { enrolledDevice, entitle, releasesOf } from '../support/deployments';

setupTestDb();

const installed = (device: Awaited<ReturnType<typeof enrolledDevice>>, artifactId: string) =>
  recordInstallEvents(device.auth, [
    { idempotencyKey: randomUUID(), type: 'install_succeeded', artifactId, occurredAt: new Date().toISOString() },
  ]);

describe(`what each catalogue card says about the chosen device (${engine})`, { timeout: 60_000 }, () => {
  it('reads installed, update available, yours to install and requested for a whole page at once', async () => {
    const alice = await actor('alice@example.com');
    const device = await enrolledDevice(alice, 'ALICE-CARDS-1');
    const firefox = await releasesOf('firefox');
    const chrome = await releasesOf('google-chrome');
    const obsidian = await releasesOf('obsidian');
    const docker = await releasesOf('docker-desktop');
    const gimp = await releasesOf('gimp');
    // Firefox: an older version installed under "this and later" → an update is offered.
    const olderFirefox = firefox.releases.find((r) => r.status === 'published')!;
    await entitle(device.id, firefox.product.id, olderFirefox.id, true);
    await installed(device, olderFirefox.artifactId);
    // Chrome: the current version installed.
    const currentChrome = chrome.releases.at(-1)!;
    await entitle(device.id, chrome.product.id, currentChrome.id, true);
    await installed(device, currentChrome.artifactId);
    // Obsidian: entitled, nothing installed yet.
    await entitle(device.id, obsidian.product.id, obsidian.releases.at(-1)!.id, true);
    // Docker Desktop: requested, waiting for the manager.
    await submitRequest(alice, {
      productId: docker.product.id,
      deviceId: device.id,
      justification: 'Local containers for the billing service.',
    });

    const ids = [firefox, chrome, obsidian, docker, gimp].map((x) => x.product.id);
    const { device: chosen, devices, states } = await catalogueDeviceStates(alice, ids, device.id);
    expect(chosen?.hostname).toBe('ALICE-CARDS-1');
    expect(devices.map((d) => d.hostname)).toContain('ALICE-LT-4411');
    expect(states.get(firefox.product.id)).toEqual({
      kind: 'update',
      installed: olderFirefox.version,
      current: firefox.releases.at(-1)!.version,
      requestId: null,
    });
    expect(states.get(chrome.product.id)).toEqual({ kind: 'installed', version: currentChrome.version });
    expect(states.get(obsidian.product.id)).toEqual({ kind: 'entitled', requestId: null });
    expect(states.get(docker.product.id)).toMatchObject({ kind: 'requested', status: 'pending_approval' });
    expect(states.has(gimp.product.id)).toBe(false);
  });

  it('describes only the actor’s own devices: another person’s device id is not found', async () => {
    const alice = await actor('alice@example.com');
    const device = await enrolledDevice(alice, 'ALICE-CARDS-2');
    const bob = await actor('bob@example.com');
    const firefox = await releasesOf('firefox');
    await expect(catalogueDeviceStates(bob, [firefox.product.id], device.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(catalogueDeviceStates(bob, [firefox.product.id], randomUUID())).rejects.toMatchObject({ field: 'device' });
    // Without a choice, Bob's cards describe one of his own devices.
    const { device: chosen } = await catalogueDeviceStates(bob, [firefox.product.id]);
    expect(chosen?.hostname).toBe('bob-studio');
  });

  it('says nothing when the actor has no device', async () => {
    const admin = await actor('admin@example.com');
    const firefox = await releasesOf('firefox');
    expect(await catalogueDeviceStates(admin, [firefox.product.id])).toEqual({ devices: [], device: null, states: new Map() });
  });
});
