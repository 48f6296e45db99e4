import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deviceCurrentInstalls, devices, entitlements, installEvents, products, releases, serviceRequests } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { getProductAdoption } from '@/lib/installs/adoption';
import { listInstallRecords } from '@/lib/installs/queries';
import { recordBrowserDownload } from '@/lib/installs/record';
import { confirmInstalled } from '@/lib/installs/user-reported';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

/** A firefox request of `who` on a device of their own, approved, and (unless told not to) downloaded in the browser. */
async function browserDownload(who: Actor, { download = true } = {}) {
  const firefox = (await db().query.products.findFirst({ where: eq(products.slug, 'firefox') }))!;
  const [device] = await db()
    .insert(devices)
    .values({ ownerId: who.id, hostname: `ui-${Math.random().toString(36).slice(2, 8)}`, platform: 'windows-x64', status: 'active' })
    .returning();
  const r = await submitRequest(who, { productId: firefox.id, deviceId: device!.id, justification: 'Testing the web app in Firefox.' });
  const entitlement = (await db().query.entitlements.findFirst({ where: eq(entitlements.requestId, r.id) }))!;
  const [artifact] = await db()
    .execute<{ id: string }>(
      // The current release's Windows build, as the request page would offer it.
      (await import('drizzle-orm')).sql`select a.id from artifacts a join releases r on r.id = a.release_id
      where r.product_id = ${firefox.id} and r.status = 'published' and a.platform = 'windows-x64' order by r.published_at desc limit 1`,
    )
    .then((res) => (res as unknown as { rows: { id: string }[] }).rows);
  if (download)
    for (const phase of ['download_started', 'download_completed'] as const)
      await recordBrowserDownload({
        userId: who.id,
        deviceId: device!.id,
        artifactId: artifact!.id,
        requestId: r.id,
        entitlementId: entitlement.id,
        phase,
        bytes: 1,
      });
  return { requestId: r.id, deviceId: device!.id, productId: firefox.id, entitlementId: entitlement.id, artifactId: artifact!.id };
}

const eventsOf = (requestId: string) =>
  db()
    .select()
    .from(installEvents)
    .where(and(eq(installEvents.requestId, requestId), eq(installEvents.type, 'install_succeeded')));

describe(`"I installed it" (${engine})`, () => {
  // Two concurrent confirmations and four desk queries: slow on PGlite when the machine is busy.
  it(
    'the owner confirms a browser download: one user-reported install, current on the device and counted in adoption',
    { timeout: 60_000 },
    async () => {
      const alice = await actor('alice@example.com');
      const d = await browserDownload(alice);
      expect((await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, d.requestId) }))!.status).toBe('fulfilled');
      const desk = await actor('desk@example.com');
      const before = await getProductAdoption(desk, 'firefox');
      const installed = (a: typeof before) => a.versions.reduce((n, v) => n + v.devices, 0);

      // Twice at once, then once more: one event.
      const results = await Promise.all([confirmInstalled(alice, d.requestId), confirmInstalled(alice, d.requestId)]);
      expect(results.filter((r) => r.recorded)).toHaveLength(1);
      expect((await confirmInstalled(alice, d.requestId)).recorded).toBe(false);
      const events = await eventsOf(d.requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ userReported: true, artifactId: d.artifactId, userId: alice.id });
      const current = await db().query.deviceCurrentInstalls.findFirst({
        where: and(eq(deviceCurrentInstalls.deviceId, d.deviceId), eq(deviceCurrentInstalls.productId, d.productId)),
      });
      expect(current).toMatchObject({ userReported: true, eventId: events[0]!.id });
      expect(installed(await getProductAdoption(desk, 'firefox'))).toBe(installed(before) + 1);

      // The desk tells agent-verified installs from the owner's word, and filters by it.
      const hostname = (await db().query.devices.findFirst({ where: eq(devices.id, d.deviceId) }))!.hostname;
      const owner = await listInstallRecords(desk, { device: hostname, reportedBy: 'owner' });
      expect(owner.rows.map((r) => [r.type, r.userReported])).toEqual([['install_succeeded', true]]);
      expect((await listInstallRecords(desk, { device: hostname, reportedBy: 'agent' })).rows).toHaveLength(0);
      expect((await listInstallRecords(desk, { device: hostname })).rows.length).toBe(3); // two downloads and the install
    },
  );

  it('only the owner or the desk; only once downloaded; not after the entitlement ended or the release was withdrawn', async () => {
    const alice = await actor('alice@example.com');
    const bob = await actor('bob@example.com');
    const d = await browserDownload(alice);
    await expect(confirmInstalled(bob, d.requestId)).rejects.toThrow(NotFoundError);
    expect((await confirmInstalled(await actor('desk@example.com'), d.requestId)).recorded).toBe(true);

    const notDownloaded = await browserDownload(alice, { download: false });
    await expect(confirmInstalled(alice, notDownloaded.requestId)).rejects.toThrow(ConflictError);

    const revoked = await browserDownload(alice);
    await db().update(entitlements).set({ status: 'revoked' }).where(eq(entitlements.id, revoked.entitlementId));
    await expect(confirmInstalled(alice, revoked.requestId)).rejects.toThrow(/entitlement .* has ended/);

    const withdrawn = await browserDownload(alice);
    const [{ releaseId }] = (await db()
      .select({ releaseId: installEvents.releaseId })
      .from(installEvents)
      .where(eq(installEvents.requestId, withdrawn.requestId))
      .limit(1)) as [{ releaseId: string }];
    await db()
      .update(releases)
      .set({ status: 'withdrawn', withdrawReason: 'Crashes on start', withdrawnAt: new Date() })
      .where(eq(releases.id, releaseId));
    await expect(confirmInstalled(alice, withdrawn.requestId)).rejects.toThrow(/withdrawn/);
    for (const r of [notDownloaded, revoked, withdrawn]) expect(await eventsOf(r.requestId)).toHaveLength(0);
  });
});
