import { randomUUID } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { auditEvents, entitlements, notifications, products, removals, serviceRequests, type InstallEventType } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { getMySoftware } from '@/lib/deployments/my-software';
import { authenticateDevice } from '@/lib/devices/enrolment';
import { checkIn, listPulls } from '@/lib/devices/pulls';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { recordInstallEvents } from '@/lib/installs/record';
import { requestInput } from '@/lib/requests/schema';
import { submitRequest } from '@/lib/requests/submit';
import { cancelRemoval, requestRemoval, retryRemoval } from '@/lib/removals/service';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { assignDevice, enrolledDevice, insertDeployment } from '../support/deployments';

const db = setupTestDb();
let alice: Actor, bob: Actor, desk: Actor;

beforeAll(async () => {
  alice = await actor('alice@example.com');
  bob = await actor('bob@example.com');
  desk = await actor('desk@example.com');
});

const productOf = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!;
const ask = async (who: Actor, slug: string, deviceId: string) =>
  submitRequest(who, requestInput.parse({ productId: (await productOf(slug)).id, deviceId, justification: 'Needed for my daily work.' }));
const requestStatus = async (id: string) => (await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, id) }))!.status;
const removalOf = async (id: string) => (await db().query.removals.findFirst({ where: eq(removals.id, id) }))!;
const event = (artifactId: string, type: InstallEventType, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: randomUUID(),
  type,
  artifactId,
  occurredAt: new Date().toISOString(),
  ...extra,
});

/** The device pulls and installs `slug` as the agent would report it; returns the pull. */
async function installed(device: Awaited<ReturnType<typeof enrolledDevice>>, slug: string) {
  const [pull] = (await listPulls(device.id)).filter((p) => p.product.slug === slug);
  await recordInstallEvents(device.auth, [event(pull!.artifact.id, 'install_succeeded')]);
  return pull!;
}

describe(`removals from My software (${engine})`, () => {
  it('the seat returns only when the agent reports uninstalled, and goes to the request waiting for it', async () => {
    const gimp = await productOf('gimp');
    await db().update(products).set({ seatLimit: 1, seatExhausted: 'wait' }).where(eq(products.id, gimp.id));
    const device = await enrolledDevice(alice, 'alice-rm-1');
    const bobsDevice = await enrolledDevice(bob, 'bob-rm-1');
    const mine = await ask(alice, 'gimp', device.id);
    const bobs = await ask(bob, 'gimp', bobsDevice.id);
    expect([await requestStatus(mine.id), await requestStatus(bobs.id)]).toEqual(['approved', 'waiting_for_seat']);
    const pull = await installed(device, 'gimp');

    // Someone else cannot ask for removals on Alice's device (answered as if it did not exist).
    await expect(requestRemoval(bob, { deviceId: device.id, productSlug: 'gimp' })).rejects.toBeInstanceOf(NotFoundError);
    // Nothing installed, nothing to remove.
    await expect(requestRemoval(alice, { deviceId: device.id, productSlug: 'firefox' })).rejects.toMatchObject({
      status: 404,
      field: 'productSlug',
    });

    const removal = await requestRemoval(alice, { deviceId: device.id, productSlug: 'gimp', reason: 'Not needed any more' });
    // Her own request tells nobody (the desk's tells the owner: below).
    expect(await db().select().from(notifications).where(eq(notifications.kind, 'removal_requested'))).toEqual([]);
    expect(removal).toMatchObject({ status: 'pending', reason: 'Not needed any more', artifactId: pull.artifact.id });
    await expect(requestRemoval(alice, { deviceId: device.id, productSlug: 'gimp' })).rejects.toBeInstanceOf(ConflictError);

    // Asked, not done: the entitlement and the seat stay; the agent is told to remove, not to pull.
    expect((await db().query.entitlements.findFirst({ where: eq(entitlements.id, pull.entitlementId) }))!.status).toBe('active');
    expect(await requestStatus(bobs.id)).toBe('waiting_for_seat');
    const authenticated = await authenticateDevice(`Bearer ${device.token}`);
    // Always a boolean (never left out): check-in reads removals only when it is true.
    expectTypeOf(authenticated.removalPending).toEqualTypeOf<boolean>();
    expect(authenticated.removalPending).toBe(true);
    const seen = await checkIn(authenticated, { agentVersion: '0.2.0' });
    expect(seen.removals).toEqual([
      expect.objectContaining({ removalId: removal.id, product: { slug: 'gimp', name: gimp.name }, uninstallCommand: null }),
    ]);
    expect(seen.pulls.map((p) => p.product.slug)).not.toContain('gimp');
    expect((await getMySoftware(alice, device.id)).removals[0]).toMatchObject({ status: 'pending', productSlug: 'gimp' });

    // The uninstall command failed: still installed, still entitled, the seat still held; retry is offered.
    await recordInstallEvents(device.auth, [event(pull.artifact.id, 'uninstall_failed', { exitCode: 3, errorText: 'in use' })]);
    expect(await removalOf(removal.id)).toMatchObject({ status: 'failed', errorText: 'in use' });
    expect((await db().query.entitlements.findFirst({ where: eq(entitlements.id, pull.entitlementId) }))!.status).toBe('active');
    expect(await requestStatus(bobs.id)).toBe('waiting_for_seat');
    expect((await checkIn(await authenticateDevice(`Bearer ${device.token}`), { agentVersion: '0.2.0' })).removals).toEqual([]); // waits for a retry
    expect((await getMySoftware(alice, device.id)).installed.map((i) => i.product.slug)).toContain('gimp');

    await expect(retryRemoval(bob, { removalId: removal.id })).rejects.toBeInstanceOf(NotFoundError);
    await retryRemoval(alice, { removalId: removal.id });
    expect(await removalOf(removal.id)).toMatchObject({ status: 'pending', attempts: 2 });
    await expect(retryRemoval(alice, { removalId: removal.id })).rejects.toBeInstanceOf(ConflictError);

    // Reported: now the entitlement ends and Bob's waiting request gets the seat.
    await recordInstallEvents(device.auth, [event(pull.artifact.id, 'uninstalled')]);
    expect(await removalOf(removal.id)).toMatchObject({ status: 'done' });
    expect((await db().query.entitlements.findFirst({ where: eq(entitlements.id, pull.entitlementId) }))!.status).toBe('revoked');
    expect(await requestStatus(bobs.id)).toBe('approved');
    expect((await getMySoftware(alice, device.id)).installed.map((i) => i.product.slug)).not.toContain('gimp');
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.entityId, removal.id))).map((a) => a.action);
    expect(actions).toEqual(['removal.requested', 'removal.failed', 'removal.retried', 'removal.done']);
  });

  it('the service desk may ask for a removal on anyone’s device; a cancelled one offers the software again', async () => {
    const device = await enrolledDevice(alice, 'alice-rm-2');
    await ask(alice, 'firefox', device.id);
    const pull = await installed(device, 'firefox');
    const removal = await requestRemoval(desk, { deviceId: device.id, productSlug: 'firefox' });
    expect(removal.requestedById).toBe(desk.id);
    // Alice hears of it, with a way to her device's software page (where she can cancel it).
    const [note] = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.userId, alice.id))
      .orderBy(desc(notifications.createdAt))
      .limit(1);
    expect(note).toMatchObject({ kind: 'removal_requested', link: `/devices/${device.id}/software` });
    expect(note!.title).toContain('Mozilla Firefox');
    expect(note!.title).toContain('alice-rm-2');
    expect((await listPulls(device.id)).map((p) => p.product.slug)).not.toContain('firefox');
    await cancelRemoval(alice, { removalId: removal.id });
    expect(await removalOf(removal.id)).toMatchObject({ status: 'cancelled' });
    await expect(cancelRemoval(alice, { removalId: removal.id })).rejects.toBeInstanceOf(ConflictError);
    expect((await listPulls(device.id)).map((p) => p.artifact.id)).toContain(pull.artifact.id);
    expect((await checkIn(await authenticateDevice(`Bearer ${device.token}`), { agentVersion: '0.2.0' })).removals).toEqual([]);
  });

  it('software a required deployment puts on the device cannot be removed (it would only come back)', async () => {
    const device = await enrolledDevice(alice, 'alice-rm-3');
    const git = await productOf('git');
    const [release] = await db().query.releases.findMany({
      where: (r, { and, eq }) => and(eq(r.productId, git.id), eq(r.status, 'published')),
    });
    const deployment = await insertDeployment({ productId: git.id, releaseId: release!.id, createdBy: desk, name: 'Media baseline' });
    await assignDevice(deployment, device.id);
    await installed(device, 'git');
    await expect(requestRemoval(alice, { deviceId: device.id, productSlug: 'git' })).rejects.toMatchObject({
      status: 409,
      field: 'productSlug',
      message: expect.stringContaining('required on this device by the deployment “Media baseline”'),
    });
    expect(await db().select().from(removals).where(eq(removals.deviceId, device.id))).toEqual([]);
  });
});
