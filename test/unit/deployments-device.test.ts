import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  artifacts,
  deploymentAssignments,
  deployments,
  deviceCurrentInstalls,
  installEvents,
  releases,
  type InstallEventType,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { checkIn, listPulls } from '@/lib/devices/pulls';
import { authorizeDownload } from '@/lib/dml/download';
import { getMySoftware } from '@/lib/deployments/my-software';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { checkCurrentInstalls } from '@/lib/installs/current-table';
import { recordInstallEvents } from '@/lib/installs/record';
import { POST as checkInRoute } from '@/app/api/v1/device/check-in/route';
import { POST as postponeRoute } from '@/app/api/v1/device/postpone/route';
import { POST as reportsRoute } from '@/app/api/v1/device/reports/route';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { assignDevice, enrolledDevice, entitle, insertDeployment, releasesOf } from '../support/deployments';

const db = setupTestDb();
let alice: Actor, bob: Actor, dm: Actor;

beforeAll(async () => {
  alice = await actor('alice@example.com');
  bob = await actor('bob@example.com');
  dm = await actor('admin@example.com');
});

const event = (artifactId: string, type: InstallEventType, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: randomUUID(),
  type,
  artifactId,
  occurredAt: new Date().toISOString(),
  ...extra,
});

async function target(artifactId: string) {
  const [row] = await db()
    .select({ artifact: artifacts, release: releases })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .where(eq(artifacts.id, artifactId));
  return row!;
}

describe(`check-in assignments (${engine})`, () => {
  it('lists required and available assignments with artifact, schedule and postponement; ended ones and inactive deployments are left out', async () => {
    const dev = await enrolledDevice(alice, 'dd-checkin-1');
    const { product, releases: rs } = await releasesOf('git');
    const newest = rs.at(-1)!;
    const deadline = new Date(Date.now() + 7 * 86_400_000);
    const cutoverAt = new Date(Date.now() + 86_400_000);
    const required = await insertDeployment({
      productId: product.id,
      releaseId: newest.id,
      createdBy: dm,
      deadline,
      cutoverAt,
      window: { startMinute: 22 * 60, endMinute: 5 * 60, timeZone: 'Europe/Berlin' },
    });
    const { entitlementId } = await assignDevice(required, dev.id);
    const postponedUntil = new Date(Date.now() + 3_600_000);
    await db().update(deploymentAssignments).set({ postponedUntil }).where(eq(deploymentAssignments.deploymentId, required.id));

    const { product: ff, releases: ffr } = await releasesOf('firefox');
    const available = await insertDeployment({ productId: ff.id, releaseId: ffr.at(-1)!.id, createdBy: dm, intent: 'available' });
    await assignDevice(available, dev.id);
    const draft = await insertDeployment({ productId: ff.id, releaseId: ffr.at(-1)!.id, createdBy: dm, status: 'scheduled' });
    await assignDevice(draft, dev.id);
    const ended = await insertDeployment({ productId: ff.id, releaseId: ffr.at(-1)!.id, createdBy: dm, intent: 'available' });
    await assignDevice(ended, dev.id);
    await db().update(deploymentAssignments).set({ endedAt: new Date() }).where(eq(deploymentAssignments.deploymentId, ended.id));

    const answer = await checkIn(dev.auth, { agentVersion: '1.0.0' });
    expect(answer.assignments.map((a) => a.deploymentId).sort()).toEqual([required.id, available.id].sort());
    const req = answer.assignments.find((a) => a.deploymentId === required.id)!;
    expect(req).toEqual({
      deploymentId: required.id,
      name: required.name,
      intent: 'required',
      entitlementId,
      product: { slug: 'git', name: product.name },
      release: { id: newest.id, version: newest.version },
      artifact: expect.objectContaining({
        id: newest.artifactId,
        sha256: newest.sha256,
        downloadUrl: `/api/artifacts/${newest.artifactId}/download`,
      }),
      availableFrom: required.availableFrom.toISOString(),
      deadline: deadline.toISOString(),
      window: { startMinute: 1320, endMinute: 300, timeZone: 'Europe/Berlin' },
      cutoverAt: cutoverAt.toISOString(),
      postponedUntil: postponedUntil.toISOString(),
    });
    expect(typeof req.artifact!.sizeBytes).toBe('number');
    const av = answer.assignments.find((a) => a.deploymentId === available.id)!;
    expect(av).toMatchObject({ intent: 'available', entitlementId: null, deadline: null, window: null, cutoverAt: null });
    // The deployment's entitlement is a pull too, tagged with the deployment (here refused before the cut-over: not listed).
    expect(answer.pulls.find((p) => p.deploymentId === required.id)).toBeUndefined();
    await db().update(deploymentAssignments).set({ postponedUntil: null }).where(eq(deploymentAssignments.deploymentId, required.id));

    // Another device of another person sees none of it.
    const other = await enrolledDevice(bob, 'dd-checkin-2');
    expect((await checkIn(other.auth, { agentVersion: '1.0.0' })).assignments).toEqual([]);
  });

  it('a deployment entitlement without a cut-over is a pull carrying its deploymentId', async () => {
    const dev = await enrolledDevice(alice, 'dd-checkin-3');
    const { product, releases: rs } = await releasesOf('git');
    const d = await insertDeployment({ productId: product.id, releaseId: rs.at(-1)!.id, createdBy: dm });
    await assignDevice(d, dev.id);
    const pulls = await listPulls(dev.id);
    expect(pulls).toEqual([
      expect.objectContaining({ deploymentId: d.id, requestId: null, release: expect.objectContaining({ id: rs.at(-1)!.id }) }),
    ]);
  });
});

describe(`reports with a deployment id (${engine})`, () => {
  it('records the deployment on the events and on the current install; a deployment the device is not assigned to is a 422 naming the field', async () => {
    const dev = await enrolledDevice(alice, 'dd-report-1');
    const { product, releases: rs } = await releasesOf('git');
    const rel = rs.at(-1)!;
    const d = await insertDeployment({ productId: product.id, releaseId: rel.id, createdBy: dm });
    await assignDevice(d, dev.id);
    const elsewhere = await insertDeployment({ productId: product.id, releaseId: rel.id, createdBy: dm });

    const refused = recordInstallEvents(dev.auth, [
      event(rel.artifactId, 'download_started', { deploymentId: d.id }),
      event(rel.artifactId, 'install_succeeded', { deploymentId: elsewhere.id }),
    ]);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ status: 422, field: 'events.1.deploymentId' });
    const unknown = recordInstallEvents(dev.auth, [event(rel.artifactId, 'install_succeeded', { deploymentId: randomUUID() })]);
    await expect(unknown).rejects.toMatchObject({ status: 422, field: 'events.0.deploymentId' });
    expect(await db().select().from(installEvents).where(eq(installEvents.deviceId, dev.id))).toEqual([]);

    // A deployment of another product is refused too, even though the device is assigned to it.
    const { product: ff, releases: ffr } = await releasesOf('firefox');
    const ffd = await insertDeployment({ productId: ff.id, releaseId: ffr.at(-1)!.id, createdBy: dm });
    await assignDevice(ffd, dev.id);
    await expect(
      recordInstallEvents(dev.auth, [event(rel.artifactId, 'install_succeeded', { deploymentId: ffd.id })]),
    ).rejects.toMatchObject({
      field: 'events.0.deploymentId',
    });

    const ok = [
      event(rel.artifactId, 'download_started', { deploymentId: d.id }),
      event(rel.artifactId, 'install_succeeded', { deploymentId: d.id }),
    ];
    expect(await recordInstallEvents(dev.auth, ok)).toEqual({ recorded: 2, duplicates: 0 });
    expect(await recordInstallEvents(dev.auth, ok)).toEqual({ recorded: 0, duplicates: 2 }); // retried: once
    const rows = await db().select().from(installEvents).where(eq(installEvents.deviceId, dev.id));
    expect(rows.map((r) => [r.type, r.deploymentId, r.requestId])).toEqual([
      ['download_started', d.id, null],
      ['install_succeeded', d.id, null],
    ]);
    const [current] = await db().select().from(deviceCurrentInstalls).where(eq(deviceCurrentInstalls.deviceId, dev.id));
    expect(current).toMatchObject({ releaseId: rel.id, deploymentId: d.id, requestId: null });
    expect((await checkCurrentInstalls(db())).mismatches).toEqual([]);
  });

  it('an event without deploymentId against a deployment entitlement still records the deployment', async () => {
    const dev = await enrolledDevice(alice, 'dd-report-2');
    const { product, releases: rs } = await releasesOf('git');
    const d = await insertDeployment({ productId: product.id, releaseId: rs.at(-1)!.id, createdBy: dm });
    await assignDevice(d, dev.id);
    await recordInstallEvents(dev.auth, [event(rs.at(-1)!.artifactId, 'install_failed', { exitCode: 2 })]);
    const [row] = await db().select().from(installEvents).where(eq(installEvents.deviceId, dev.id));
    expect(row).toMatchObject({ type: 'install_failed', deploymentId: d.id });
  });
});

describe(`big-bang cut-over (${engine})`, () => {
  it('before the cut-over the new release is refused and the old served; after it the old release is refused naming the deployment; uncovered devices are untouched', async () => {
    const { product, releases: rs } = await releasesOf('git');
    const [old, neu] = [rs.at(-2)!, rs.at(-1)!];
    const covered = await enrolledDevice(alice, 'dd-cut-1');
    const uncovered = await enrolledDevice(alice, 'dd-cut-2');
    // "This and later releases" from the old one: without a cut-over both would be served.
    for (const dev of [covered, uncovered]) await entitle(dev.id, product.id, old.id, true);
    const cutoverAt = new Date(Date.now() + 3_600_000);
    const d = await insertDeployment({ productId: product.id, releaseId: neu.id, createdBy: dm, cutoverAt, name: 'Git big bang' });
    await assignDevice(d, covered.id);
    const asDevice = (dev: { id: string; ownerId: string }) => ({ kind: 'device' as const, deviceId: dev.id, ownerId: dev.ownerId });

    // Before: the old release is served, the new one is not yet (also to the browser).
    await expect(authorizeDownload(asDevice(covered), await target(old.artifactId))).resolves.toBeTruthy();
    const early = authorizeDownload({ kind: 'user', actor: alice, deviceId: covered.id }, await target(neu.artifactId));
    await expect(early).rejects.toBeInstanceOf(ForbiddenError);
    await expect(early).rejects.toThrow(/Git big bang/);
    // The entitlement resolves to the newest release, which is not served yet: nothing to pull.
    expect(await listPulls(covered.id)).toEqual([]);
    expect((await listPulls(uncovered.id)).map((p) => p.release.id)).toEqual([neu.id]);

    // After the cut-over (moved into the past): only the new release, for covered devices only.
    await db()
      .update(deploymentAssignments)
      .set({ assignedAt: new Date(Date.now() - 7_200_000) })
      .where(eq(deploymentAssignments.deploymentId, d.id));
    await db()
      .update(deployments)
      .set({ availableFrom: new Date(Date.now() - 7_200_000), cutoverAt: new Date(Date.now() - 60_000) })
      .where(eq(deployments.id, d.id));
    const late = authorizeDownload(asDevice(covered), await target(old.artifactId));
    await expect(late).rejects.toMatchObject({ status: 403, field: 'deployment' });
    await expect(late).rejects.toThrow(new RegExp(`Git big bang.*${d.id}.*${neu.version}`));
    await expect(authorizeDownload({ kind: 'user', actor: alice, deviceId: covered.id }, await target(old.artifactId))).rejects.toThrow(
      /Git big bang/,
    );
    await expect(authorizeDownload(asDevice(covered), await target(neu.artifactId))).resolves.toBeTruthy();
    expect((await listPulls(covered.id)).map((p) => p.release.id)).toEqual([neu.id]);

    await expect(authorizeDownload(asDevice(uncovered), await target(old.artifactId))).resolves.toBeTruthy();

    // A completed deployment no longer narrows anything.
    await db().update(deployments).set({ status: 'completed' }).where(eq(deployments.id, d.id));
    await expect(authorizeDownload(asDevice(covered), await target(old.artifactId))).resolves.toBeTruthy();
  });
});

describe(`My software (${engine})`, () => {
  it('shows the owner what is installed and from where, and what is assigned; anyone else gets 404', async () => {
    const dev = await enrolledDevice(alice, 'dd-mysw-1');
    const { product, releases: rs } = await releasesOf('git');
    const d = await insertDeployment({ productId: product.id, releaseId: rs.at(-1)!.id, createdBy: dm, name: 'Git everywhere' });
    await assignDevice(d, dev.id);
    await recordInstallEvents(dev.auth, [event(rs.at(-1)!.artifactId, 'install_succeeded', { deploymentId: d.id })]);
    const { product: ff, releases: ffr } = await releasesOf('firefox');
    await entitle(dev.id, ff.id, ffr.at(-1)!.id);
    await recordInstallEvents(dev.auth, [event(ffr.at(-1)!.artifactId, 'install_succeeded')]);
    const offer = await insertDeployment({ productId: ff.id, releaseId: ffr.at(-1)!.id, createdBy: dm, intent: 'available' });
    await assignDevice(offer, dev.id);

    const sw = await getMySoftware(alice, dev.id);
    const bySlug = new Map(sw.installed.map((i) => [i.product.slug, i]));
    expect(sw.installed).toHaveLength(2);
    expect(bySlug.get('git')).toMatchObject({
      version: rs.at(-1)!.version,
      source: { kind: 'deployment', id: d.id, name: 'Git everywhere' },
    });
    expect(bySlug.get('firefox')).toMatchObject({ version: ffr.at(-1)!.version, source: { kind: 'none' } });
    expect(sw.assigned.map((a) => [a.deploymentId, a.intent]).sort()).toEqual(
      [
        [d.id, 'required'],
        [offer.id, 'available'],
      ].sort(),
    );
    await expect(getMySoftware(bob, dev.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getMySoftware(alice, 'nonsense')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe(`device API routes (${engine})`, () => {
  const post = (token: string, body: unknown) =>
    new Request('http://portal.test/api', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it('check-in answers assignments as JSON; reports naming a foreign deployment are 422; postpone maps 404 and 422', async () => {
    const dev = await enrolledDevice(alice, 'dd-route-1');
    const other = await enrolledDevice(bob, 'dd-route-2');
    const { product, releases: rs } = await releasesOf('git');
    const deadline = new Date(Date.now() + 86_400_000);
    const d = await insertDeployment({ productId: product.id, releaseId: rs.at(-1)!.id, createdBy: dm, deadline });
    await assignDevice(d, dev.id);

    const res = await checkInRoute(post(dev.token, { agentVersion: '1.0.0' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { assignments: { deploymentId: string; deadline: string }[] };
    expect(body.assignments).toEqual([expect.objectContaining({ deploymentId: d.id, deadline: deadline.toISOString() })]);

    const refused = await reportsRoute(
      post(other.token, { events: [event(rs.at(-1)!.artifactId, 'install_succeeded', { deploymentId: d.id })] }),
    );
    // Bob's device has no entitlement to git at all: refused before the deployment is even looked at.
    expect(refused.status).toBe(403);
    await entitle(other.id, product.id, rs.at(-1)!.id);
    const foreign = await reportsRoute(
      post(other.token, { events: [event(rs.at(-1)!.artifactId, 'install_succeeded', { deploymentId: d.id })] }),
    );
    expect(foreign.status).toBe(422);
    expect(await foreign.json()).toMatchObject({ field: 'events.0.deploymentId' });

    expect((await postponeRoute(post(other.token, { deploymentId: d.id }))).status).toBe(404);
    expect((await postponeRoute(post(dev.token, { deploymentId: 'nonsense' }))).status).toBe(404);
    const late = await postponeRoute(post(dev.token, { deploymentId: d.id, until: new Date(deadline.getTime() + 60_000).toISOString() }));
    expect(late.status).toBe(422);
    expect(await late.json()).toMatchObject({ field: 'until' });
    const ok = await postponeRoute(post(dev.token, { deploymentId: d.id, until: deadline.toISOString() }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ deploymentId: d.id, postponedUntil: deadline.toISOString() });
  });
});
