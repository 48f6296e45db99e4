import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, deploymentAssignments, devices, entitlements, type InstallEventType } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { claimAvailable } from '@/lib/deployments/claim';
import { listDrift, driftCsvRows } from '@/lib/deployments/drift';
import { postponeAssignment } from '@/lib/deployments/postpone';
import { deploymentDevicesCsvRows, getDeploymentStatus, listDeploymentDevices } from '@/lib/deployments/status';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { recordInstallEvents } from '@/lib/installs/record';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { assignDevice, enrolledDevice, entitle, insertDeployment, releasesOf } from '../support/deployments';

const db = setupTestDb();
const DAY = 86_400_000;
let alice: Actor, bob: Actor, admin: Actor, desk: Actor;

beforeAll(async () => {
  alice = await actor('alice@example.com');
  bob = await actor('bob@example.com');
  admin = await actor('admin@example.com');
  desk = await actor('desk@example.com');
});

const at = (ms: number) => new Date(Date.now() - ms).toISOString();
const ev = (artifactId: string, type: InstallEventType, occurredAt: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: randomUUID(),
  type,
  artifactId,
  occurredAt,
  ...extra,
});
const collect = async <T>(g: AsyncGenerator<T>) => {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
};

describe(`deployment status (${engine})`, () => {
  it('counts a hand-built ledger in one statement, charts it per day, lists and exports the devices', async () => {
    const { product, releases: rs } = await releasesOf('git');
    const rel = rs.at(-1)!;
    const start = new Date(Date.now() - 3 * DAY);
    const d = await insertDeployment({
      productId: product.id,
      releaseId: rel.id,
      createdBy: admin,
      availableFrom: start,
      deadline: new Date(Date.now() - 60_000),
    });
    const [a, b, c, p, gone] = await Promise.all(['st-a', 'st-b', 'st-c', 'st-p', 'st-gone'].map((h) => enrolledDevice(alice, h)));
    for (const dev of [a!, b!, c!, p!, gone!]) await assignDevice(d, dev.id);
    const report = (dev: { auth: { deviceId: string; ownerId: string } }, ...events: ReturnType<typeof ev>[]) =>
      recordInstallEvents(
        dev.auth,
        events.map((e) => ({ ...e, deploymentId: d.id })),
      );
    await report(a!, ev(rel.artifactId, 'install_failed', at(2 * DAY), { exitCode: 1 }), ev(rel.artifactId, 'install_succeeded', at(DAY)));
    await report(
      b!,
      ev(rel.artifactId, 'download_started', at(DAY + 1000)),
      ev(rel.artifactId, 'install_failed', at(DAY), { errorText: 'disk full' }),
    );
    await report(c!, ev(rel.artifactId, 'download_started', at(1000)));
    await report(gone!, ev(rel.artifactId, 'install_succeeded', at(DAY)));
    await db()
      .update(deploymentAssignments)
      .set({ endedAt: new Date() })
      .where(and(eq(deploymentAssignments.deploymentId, d.id), eq(deploymentAssignments.deviceId, gone!.id)));
    await db()
      .update(devices)
      .set({ lastSeenAt: new Date(start.getTime() - DAY) })
      .where(inArray(devices.id, [p!.id, a!.id]));
    // a's last check-in is older than the start, but it reported outcomes since: it was seen; p was not.

    const status = await getDeploymentStatus(desk, d.id);
    expect(status.counts).toEqual({ targeted: 4, pending: 1, inProgress: 1, succeeded: 1, failed: 1, notSeen: 1, pastDeadline: 3 });
    expect(status.timeline.days).toHaveLength(4);
    expect(status.timeline.succeeded).toEqual([0, 0, 1, 1]);
    expect(status.timeline.failed).toEqual([0, 1, 1, 1]); // a failed then succeeded; b failed a day later

    const page1 = await listDeploymentDevices(admin, d.id, { limit: 2 });
    expect(page1.rows.map((r) => [r.hostname, r.state])).toEqual([
      ['st-a', 'succeeded'],
      ['st-b', 'failed'],
    ]);
    const page2 = await listDeploymentDevices(admin, d.id, { limit: 2, after: page1.next! });
    expect(page2.rows.map((r) => [r.hostname, r.state])).toEqual([
      ['st-c', 'in_progress'],
      ['st-p', 'pending'],
    ]);
    expect(page2.next).toBeNull();
    expect((await listDeploymentDevices(admin, d.id, { state: 'failed' })).rows[0]).toMatchObject({
      hostname: 'st-b',
      lastEvent: { type: 'install_failed', errorText: 'disk full', version: rel.version },
    });
    const csv = await collect(deploymentDevicesCsvRows(desk, d.id));
    expect(csv.map((r) => r[0])).toEqual(['st-a', 'st-b', 'st-c', 'st-p']);

    await expect(getDeploymentStatus(alice, d.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(collect(deploymentDevicesCsvRows(alice, d.id))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getDeploymentStatus(desk, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getDeploymentStatus(desk, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe(`drift (${engine})`, () => {
  it('lists versions nobody planned and required versions missing past the deadline, paged and exportable', async () => {
    const { product, releases: rs } = await releasesOf('git');
    const [old, rel] = [rs.at(-2)!, rs.at(-1)!];
    const rogue = await enrolledDevice(bob, 'drift-rogue');
    await entitle(rogue.id, product.id, old.id);
    // An entitlement without a request or deployment (as if granted by hand): nothing planned this install.
    await recordInstallEvents(rogue.auth, [ev(old.artifactId, 'install_succeeded', at(1000))]);
    const d = await insertDeployment({
      productId: product.id,
      releaseId: rel.id,
      createdBy: admin,
      availableFrom: new Date(Date.now() - 2 * DAY),
      deadline: new Date(Date.now() - 1000),
      name: 'Git by Friday',
    });
    const [late, done] = await Promise.all([enrolledDevice(bob, 'drift-late'), enrolledDevice(bob, 'drift-done')]);
    await assignDevice(d, late.id);
    await assignDevice(d, done.id);
    await recordInstallEvents(done.auth, [ev(rel.artifactId, 'install_succeeded', at(1000), { deploymentId: d.id })]);

    const mine = <T extends { hostname: string }>(rows: T[]) => rows.filter((r) => r.hostname.startsWith('drift-'));
    const all = mine((await listDrift(desk, { limit: 1000 })).rows);
    expect(all.map((r) => [r.kind, r.hostname, r.currentVersion, r.expectedVersion, r.deployment?.name ?? null])).toEqual([
      ['missing', 'drift-late', null, rel.version, 'Git by Friday'],
      ['unplanned', 'drift-rogue', old.version, null, null],
    ]);
    expect(mine((await listDrift(desk, { kind: 'missing', limit: 1000 })).rows)).toHaveLength(1);
    const first = await listDrift(desk, { limit: 1 });
    expect(first.next).not.toBeNull();
    const second = await listDrift(desk, { limit: 1, after: first.next! });
    expect(second.rows[0]).not.toEqual(first.rows[0]);
    const csv = await collect(driftCsvRows(desk));
    expect(csv.filter((r) => String(r[1]).startsWith('drift-')).map((r) => r[0])).toEqual(['missing', 'unplanned']);
    await expect(listDrift(alice)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe(`postpone and claim (${engine})`, () => {
  it('the owner or the device postpones a required assignment up to the deadline, never past it; others get 404', async () => {
    const { product, releases: rs } = await releasesOf('git');
    const deadline = new Date(Date.now() + 2 * DAY);
    const d = await insertDeployment({ productId: product.id, releaseId: rs.at(-1)!.id, createdBy: admin, deadline });
    const dev = await enrolledDevice(alice, 'pp-1');
    await assignDevice(d, dev.id);
    const key = { deploymentId: d.id, deviceId: dev.id };

    const { postponedUntil } = await postponeAssignment({ kind: 'user', actor: alice }, key);
    expect(Math.abs(postponedUntil.getTime() - (Date.now() + DAY))).toBeLessThan(60_000);
    await expect(postponeAssignment({ kind: 'user', actor: bob }, key)).rejects.toBeInstanceOf(NotFoundError);
    await expect(postponeAssignment({ kind: 'user', actor: alice }, { ...key, deviceId: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    const tooLate = postponeAssignment({ kind: 'user', actor: alice }, { ...key, until: new Date(deadline.getTime() + 1000) });
    await expect(tooLate).rejects.toBeInstanceOf(ValidationError);
    await expect(tooLate).rejects.toMatchObject({ field: 'until' });
    await expect(postponeAssignment({ kind: 'user', actor: alice }, { ...key, until: new Date(Date.now() - 1000) })).rejects.toMatchObject({
      field: 'until',
    });
    const viaAgent = await postponeAssignment({ kind: 'device', deviceId: dev.id, ownerId: alice.id }, { ...key, until: deadline });
    expect(viaAgent.postponedUntil).toEqual(deadline);
    const other = await enrolledDevice(bob, 'pp-2');
    await expect(postponeAssignment({ kind: 'device', deviceId: other.id, ownerId: bob.id }, key)).rejects.toBeInstanceOf(NotFoundError);
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, d.id), eq(auditEvents.action, 'deployment.postponed')));
    expect(audits).toHaveLength(2);

    // Past the deadline nothing can be put off any more.
    const passed = await insertDeployment({
      productId: product.id,
      releaseId: rs.at(-1)!.id,
      createdBy: admin,
      availableFrom: new Date(Date.now() - DAY),
      deadline: new Date(Date.now() - 1000),
    });
    const dev2 = await enrolledDevice(alice, 'pp-3');
    await assignDevice(passed, dev2.id);
    await expect(postponeAssignment({ kind: 'user', actor: alice }, { deploymentId: passed.id, deviceId: dev2.id })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('"install now" claims an available assignment once, as the owner only', async () => {
    const { product, releases: rs } = await releasesOf('firefox');
    const d = await insertDeployment({ productId: product.id, releaseId: rs.at(-1)!.id, createdBy: admin, intent: 'available' });
    const dev = await enrolledDevice(alice, 'claim-1');
    await assignDevice(d, dev.id);
    await expect(claimAvailable({ kind: 'user', actor: bob }, d.id, dev.id)).rejects.toBeInstanceOf(NotFoundError);
    const [x, y] = await Promise.all([
      claimAvailable({ kind: 'user', actor: alice }, d.id, dev.id),
      claimAvailable({ kind: 'user', actor: alice }, d.id, dev.id),
    ]);
    expect(x.entitlementId).toBe(y.entitlementId);
    const rows = await db()
      .select()
      .from(entitlements)
      .where(and(eq(entitlements.deviceId, dev.id), eq(entitlements.status, 'active')));
    expect(rows).toEqual([expect.objectContaining({ id: x.entitlementId, deploymentId: d.id, releaseId: rs.at(-1)!.id })]);
    await expect(postponeAssignment({ kind: 'user', actor: alice }, { deploymentId: d.id, deviceId: dev.id })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});
