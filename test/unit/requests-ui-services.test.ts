import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { devices, entitlements, products, releases } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';
import { decide } from '@/lib/requests/decide';
import { activeEntitlementsFor, listMyRequestsWithSteps, listRequestableDevices } from '@/lib/requests/devices-for-request';
import { getRequestDetail } from '@/lib/requests/queries';
import { decisionInput, requestInput } from '@/lib/requests/schema';
import { openRequestsFor, submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const productId = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id;
const deviceId = async (hostname: string) => (await db().query.devices.findFirst({ where: eq(devices.hostname, hostname) }))!.id;
const releaseId = async (slug: string, version: string) =>
  (await db().query.releases.findFirst({ where: and(eq(releases.productId, await productId(slug)), eq(releases.version, version)) }))!.id;
const ask = async (who: Actor, slug: string, host: string) =>
  submitRequest(
    who,
    requestInput.parse({ productId: await productId(slug), deviceId: await deviceId(host), justification: 'Needed for my daily work.' }),
  );

describe(`requester UI services (${engine})`, () => {
  it('offers the actor’s own active and enrolling devices, never retired, revoked or anyone else’s', async () => {
    const alice = await actor('alice@example.com');
    await db()
      .insert(devices)
      .values([
        { ownerId: alice.id, hostname: 'alice-old', platform: 'windows-x64', status: 'retired' },
        { ownerId: alice.id, hostname: 'alice-stolen', platform: 'windows-x64', status: 'revoked' },
        { ownerId: alice.id, hostname: 'alice-new', platform: 'linux-x64', status: 'pending' },
      ]);
    const list = await listRequestableDevices(alice, await productId('firefox'));
    expect(list.map((d) => [d.hostname, d.platform, d.status, d.hasBuild])).toEqual([
      ['ALICE-LT-4411', 'windows-x64', 'active', true],
      ['alice-mbp', 'macos-arm64', 'active', true],
      ['alice-new', 'linux-x64', 'pending', true],
    ]);
  });

  it('flags the devices the current or chosen release has no build for', async () => {
    const alice = await actor('alice@example.com');
    const sevenZip = await productId('7-zip');
    const current = await listRequestableDevices(alice, sevenZip);
    expect(Object.fromEntries(current.map((d) => [d.hostname, d.hasBuild]))).toMatchObject({ 'ALICE-LT-4411': true, 'alice-mbp': false });

    // A release that is not published (here: deprecated) can be requested for no device.
    const old = await listRequestableDevices(alice, sevenZip, await releaseId('7-zip', '24.09'));
    expect(old.every((d) => !d.hasBuild)).toBe(true);
    const chosen = await listRequestableDevices(alice, sevenZip, await releaseId('7-zip', '25.01'));
    expect(chosen.find((d) => d.hostname === 'ALICE-LT-4411')?.hasBuild).toBe(true);
  });

  it('a product the actor may not request is not found', async () => {
    const alice = await actor('alice@example.com');
    await expect(listRequestableDevices(alice, await productId('adobe-photoshop'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists active entitlements with the device, and not ended or other people’s ones', async () => {
    const [alice, bob] = await Promise.all([actor('alice@example.com'), actor('bob@example.com')]);
    const firefox = await productId('firefox');
    expect(await activeEntitlementsFor(alice, firefox)).toEqual([]);
    const r = await ask(alice, 'firefox', 'alice-mbp');
    expect(r.status).toBe('approved');

    const held = await activeEntitlementsFor(alice, firefox);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ hostname: 'alice-mbp', requestId: r.id, includesLaterReleases: true, version: '141.0' });
    expect(await activeEntitlementsFor(bob, firefox)).toEqual([]);
    // Approved requests are still "open" to openRequestsFor; the page shows them as the entitlement.
    expect((await openRequestsFor(alice, firefox)).map((o) => o.id)).toEqual([r.id]);

    await db()
      .update(entitlements)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(entitlements.requestId, r.id));
    expect(await activeEntitlementsFor(alice, firefox)).toEqual([]);
  });

  it('lists my requests newest first with their stages and the reason they were closed', async () => {
    const [alice, maria, bob] = await Promise.all([actor('alice@example.com'), actor('manager@example.com'), actor('bob@example.com')]);
    const wireshark = await ask(alice, 'wireshark', 'ALICE-LT-4411');
    const docker = await ask(alice, 'docker-desktop', 'alice-mbp');
    await decide(maria, decisionInput.parse({ requestId: docker.id, decision: 'rejected', comment: 'Use Podman instead.' }));

    const mine = await listMyRequestsWithSteps(alice);
    expect(mine[0]).toMatchObject({ id: docker.id, status: 'rejected', closedReason: 'Use Podman instead.' });
    expect(mine[0]!.stages.map((s) => s.label)).toEqual(['Manager']);
    const w = mine.find((m) => m.id === wireshark.id)!;
    expect(w).toMatchObject({ status: 'pending_approval', stage: 1, closedReason: null });
    expect(w.stages.map((s) => s.label)).toEqual(['Manager', 'Security Team']);
    expect(mine.find((m) => m.product.slug === 'firefox')?.stages).toEqual([]);

    expect((await listMyRequestsWithSteps(bob)).map((m) => m.id)).not.toContain(docker.id);
  });

  it('the request detail carries the device id and hides the request from others', async () => {
    const [alice, bob] = await Promise.all([actor('alice@example.com'), actor('bob@example.com')]);
    const r = await ask(alice, 'git', 'ALICE-LT-4411');
    const view = await getRequestDetail(alice, r.id);
    expect(view.deviceId).toBe(await deviceId('ALICE-LT-4411'));
    expect(view.downloads.length).toBeGreaterThan(0);
    await expect(getRequestDetail(bob, r.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
