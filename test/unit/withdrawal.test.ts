import { and, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { devices, notifications, products, releases } from '@/db/schema';
import { withdrawRelease } from '@/lib/dml/releases';
import { getRequestDetail } from '@/lib/requests/queries';
import { requestInput } from '@/lib/requests/schema';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

describe(`a withdrawn release on the requester's side (${engine})`, () => {
  it('the request page offers no download, says why, and the holder is told', async () => {
    const alice = await actor('alice@example.com');
    const firefox = (await db().query.products.findFirst({ where: eq(products.slug, 'firefox') }))!;
    const [release] = await db()
      .select()
      .from(releases)
      .where(and(eq(releases.productId, firefox.id), eq(releases.status, 'published')))
      .orderBy(desc(releases.publishedAt))
      .limit(1);
    const device = (await db().query.devices.findFirst({ where: eq(devices.hostname, 'ALICE-LT-4411') }))!;
    const r = await submitRequest(
      alice,
      requestInput.parse({ productId: firefox.id, deviceId: device.id, releaseId: release!.id, justification: 'Testing the web app.' }),
    );
    expect(r.status).toBe('approved'); // Firefox needs no approval
    const before = await getRequestDetail(alice, r.id);
    expect(before.downloads.length).toBeGreaterThan(0);
    expect(before.withdrawn).toBeUndefined();

    await withdrawRelease(
      { kind: 'user', actor: await actor('librarian@example.com') },
      release!.id,
      'Crashes on start with the new VPN client',
    );

    const after = await getRequestDetail(alice, r.id);
    expect(after.downloads).toEqual([]);
    expect(after.withdrawn).toEqual({ version: release!.version, reason: 'Crashes on start with the new VPN client' });
    const told = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, alice.id), eq(notifications.kind, 'release_withdrawn')));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ title: `Mozilla Firefox ${release!.version} was withdrawn`, link: '/catalogue/firefox' });
    expect(told[0]!.body).toContain('Crashes on start with the new VPN client');
    // Nobody else holds it: nobody else is told.
    expect(await db().select().from(notifications).where(eq(notifications.kind, 'release_withdrawn'))).toHaveLength(1);
  });
});
