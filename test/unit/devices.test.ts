import { createHash, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  artifacts,
  auditEvents,
  devices,
  entitlements,
  installEvents,
  products,
  releases,
  serviceRequests,
  type InstallEventType,
  type Platform,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { checkIn, listPulls } from '@/lib/devices/pulls';
import { reportsInput } from '@/lib/devices/schema';
import {
  authenticateDevice,
  enrolDevice,
  listMyDevices,
  newEnrolmentCode,
  registerDevice,
  renameDevice,
  retireDevice,
  revokeDevice,
  type AuthenticatedDevice,
} from '@/lib/devices/service';
import { authorizeDownload, openDownload } from '@/lib/dml/download';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '@/lib/errors';
import { recordedBrowserBody } from '@/lib/installs/browser-download';
import { recordInstallEvents } from '@/lib/installs/record';
import { decide } from '@/lib/requests/decide';
import { decisionInput, requestInput } from '@/lib/requests/schema';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
let alice: Actor, bob: Actor, maria: Actor, desk: Actor;

beforeAll(async () => {
  alice = await actor('alice@example.com');
  bob = await actor('bob@example.com');
  maria = await actor('manager@example.com');
  desk = await actor('desk@example.com');
});

const productId = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id;
async function artifactOf(slug: string, version: string, platform: Platform) {
  const [row] = await db()
    .select({ id: artifacts.id, sha256: artifacts.sha256, releaseId: releases.id })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .where(and(eq(releases.productId, await productId(slug)), eq(releases.version, version), eq(artifacts.platform, platform)));
  return row!;
}
/** A device of `who`, added and enrolled as the portal and the agent would. */
async function enrolled(who: Actor, hostname: string, platform: Platform = 'linux-x64') {
  const { device, enrolment } = await registerDevice(who, { hostname, platform });
  const { token } = await enrolDevice({ code: enrolment.code, agentVersion: '1.0.0' });
  return { id: device.id, token, auth: await authenticateDevice(`Bearer ${token}`) };
}
const ask = async (who: Actor, slug: string, deviceId: string, releaseId?: string) =>
  submitRequest(
    who,
    requestInput.parse({ productId: await productId(slug), deviceId, justification: 'Needed for my daily work.', releaseId }),
  );
const event = (artifactId: string, type: InstallEventType, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: randomUUID(),
  type,
  artifactId,
  occurredAt: new Date().toISOString(),
  ...extra,
});
const ledger = (deviceId: string) =>
  db().select().from(installEvents).where(eq(installEvents.deviceId, deviceId)).orderBy(installEvents.id);
const requestStatus = async (id: string) => (await db().query.serviceRequests.findFirst({ where: eq(serviceRequests.id, id) }))!.status;

describe(`device enrolment (${engine})`, () => {
  it('a code works once, case- and dash-insensitively; the token is stored only as its SHA-256', async () => {
    const { device, enrolment } = await registerDevice(alice, { hostname: 'alice-enrol-1', platform: 'linux-x64', serial: 'SN-1' });
    expect(enrolment.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}(-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}){2}$/);
    expect(enrolment.expiresAt.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(device).toMatchObject({ status: 'pending', hostname: 'alice-enrol-1', platform: 'linux-x64' });
    let row = (await db().query.devices.findFirst({ where: eq(devices.id, device.id) }))!;
    expect(row.enrolCodeHash).toBe(sha(enrolment.code.replaceAll('-', '')));

    const typed = enrolment.code.replaceAll('-', '').toLowerCase();
    const answer = await enrolDevice({ code: typed, agentVersion: '0.9.1', hostname: 'alice-enrol-1.local' });
    expect(answer).toMatchObject({ deviceId: device.id, hostname: 'alice-enrol-1', platform: 'linux-x64' });
    expect(answer.token).toMatch(/^pdt_[A-Za-z0-9_-]{43}$/);
    row = (await db().query.devices.findFirst({ where: eq(devices.id, device.id) }))!;
    expect(row).toMatchObject({
      status: 'active',
      tokenHash: sha(answer.token),
      enrolCodeHash: null,
      agentVersion: '0.9.1',
      serial: 'SN-1',
    });
    expect(JSON.stringify(row)).not.toContain(answer.token);
    expect(row.lastSeenAt).not.toBeNull();

    const reuse = enrolDevice({ code: enrolment.code });
    await expect(reuse).rejects.toBeInstanceOf(UnauthorizedError);
    const messages = await Promise.all(
      [enrolment.code, 'nonsense', 'AAAA-AAAA'].map((code) => enrolDevice({ code }).catch((e: Error) => e.message)),
    );
    expect(new Set(messages).size).toBe(1); // one message, whatever was wrong
    expect(await authenticateDevice(`Bearer ${answer.token}`)).toEqual({
      deviceId: device.id,
      ownerId: alice.id,
      hostname: 'alice-enrol-1',
      platform: 'linux-x64',
      agentVersion: '0.9.1',
      removalPending: false,
    });
    const actions = await db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.entityId, device.id));
    expect(actions.map((a) => a.action)).toEqual(['device.registered', 'device.enrolled']);
  });

  it('two agents racing with one code: exactly one gets a token', async () => {
    const { enrolment } = await registerDevice(alice, { hostname: 'alice-race', platform: 'linux-x64' });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => enrolDevice({ code: enrolment.code })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof UnauthorizedError)).toBe(true);
  });

  it('an expired code and a replaced code are refused; a new code re-enrols and replaces the token', async () => {
    const { device, enrolment } = await registerDevice(alice, { hostname: 'alice-enrol-2', platform: 'macos-arm64' });
    await db()
      .update(devices)
      .set({ enrolCodeExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(devices.id, device.id));
    await expect(enrolDevice({ code: enrolment.code })).rejects.toBeInstanceOf(UnauthorizedError);

    await expect(newEnrolmentCode(bob, device.id)).rejects.toBeInstanceOf(NotFoundError); // not his
    const first = await newEnrolmentCode(alice, device.id);
    const second = await newEnrolmentCode(alice, device.id);
    await expect(enrolDevice({ code: first.code })).rejects.toBeInstanceOf(UnauthorizedError);
    const { token } = await enrolDevice({ code: second.code });

    const again = await newEnrolmentCode(alice, device.id); // e.g. the agent was reinstalled
    const { token: newer } = await enrolDevice({ code: again.code });
    await expect(authenticateDevice(`Bearer ${token}`)).rejects.toBeInstanceOf(UnauthorizedError);
    expect((await authenticateDevice(`Bearer ${newer}`)).deviceId).toBe(device.id);
  });

  it('retired and revoked devices are refused at once; only the owner retires, only the desk or an admin revokes', async () => {
    const a = await enrolled(alice, 'alice-enrol-3');
    await expect(retireDevice(bob, a.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await retireDevice(alice, a.id)).status).toBe('retired');
    await expect(authenticateDevice(`Bearer ${a.token}`)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(newEnrolmentCode(alice, a.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(retireDevice(alice, a.id)).rejects.toBeInstanceOf(ConflictError);

    const b = await enrolled(alice, 'alice-enrol-4');
    await expect(revokeDevice(alice, b.id, 'lost')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(revokeDevice(desk, b.id, ' ')).rejects.toMatchObject({ field: 'reason' });
    expect((await revokeDevice(desk, b.id, 'Reported stolen')).status).toBe('revoked');
    await expect(authenticateDevice(`Bearer ${b.token}`)).rejects.toBeInstanceOf(UnauthorizedError);
    const audit = await db().query.auditEvents.findFirst({
      where: and(eq(auditEvents.entityId, b.id), eq(auditEvents.action, 'device.revoked')),
    });
    expect(audit).toMatchObject({ actorId: desk.id, after: { status: 'revoked', reason: 'Reported stolen' } });

    for (const bad of [undefined, '', 'Basic abc', 'Bearer pdt_short', `Bearer ppt_${'a'.repeat(43)}`]) {
      await expect(authenticateDevice(bad)).rejects.toBeInstanceOf(UnauthorizedError);
    }
  });

  it('names are validated and unique among the owner’s devices in service; rename is audited', async () => {
    await expect(registerDevice(alice, { hostname: 'bad name!', platform: 'linux-x64' })).rejects.toMatchObject({ field: 'hostname' });
    await expect(registerDevice(alice, { hostname: 'x'.repeat(64), platform: 'linux-x64' })).rejects.toBeInstanceOf(ValidationError);
    await expect(registerDevice(alice, { hostname: 'ok', platform: 'amiga' as Platform })).rejects.toMatchObject({ field: 'platform' });
    await expect(registerDevice(alice, { hostname: 'alice-mbp', platform: 'linux-x64' })).rejects.toMatchObject({ field: 'hostname' });
    const { device } = await registerDevice(alice, { hostname: 'alice-enrol-5', platform: 'windows-x64' });
    await expect(renameDevice(bob, device.id, 'bobs-now')).rejects.toBeInstanceOf(NotFoundError);
    expect((await renameDevice(alice, device.id, 'alice-renamed')).hostname).toBe('alice-renamed');
    const audit = await db().query.auditEvents.findFirst({
      where: and(eq(auditEvents.entityId, device.id), eq(auditEvents.action, 'device.renamed')),
    });
    expect(audit).toMatchObject({ actorId: alice.id, before: { hostname: 'alice-enrol-5' }, after: { hostname: 'alice-renamed' } });
    const mine = await listMyDevices(alice);
    expect(mine.find((d) => d.id === device.id)).toMatchObject({ hostname: 'alice-renamed', status: 'pending' });
    expect(mine.every((d) => !('tokenHash' in d) && !('enrolCodeHash' in d))).toBe(true);
  });
});

describe(`what a device may pull (${engine})`, () => {
  it('is empty without entitlements; lists the newest published release for "current", exact releases, never withdrawn ones', async () => {
    const d = await enrolled(alice, 'alice-pulls', 'windows-x64');
    expect(await listPulls(d.id)).toEqual([]);
    const checked = await checkIn(d.auth, { agentVersion: '1.2.0', installed: [{ sha256: 'A'.repeat(64) }] });
    expect(checked).toMatchObject({ deviceId: d.id, hostname: 'alice-pulls', pulls: [] });
    expect((await db().query.devices.findFirst({ where: eq(devices.id, d.id) }))!.agentVersion).toBe('1.2.0');

    const r = await ask(alice, 'firefox', d.id); // auto-approved, "the current release and later"
    expect(r.status).toBe('approved');
    const ff141 = await artifactOf('firefox', '141.0', 'windows-x64');
    const [pull] = await listPulls(d.id);
    expect(pull).toMatchObject({
      requestId: r.id,
      product: { slug: 'firefox', name: 'Mozilla Firefox' },
      release: { id: ff141.releaseId, version: '141.0' },
      artifact: { id: ff141.id, sha256: ff141.sha256, downloadUrl: `/api/artifacts/${ff141.id}/download` },
    });

    // Exact entitlements: deprecated still pulls, withdrawn never; a product with no build for the platform is left out.
    const add = async (slug: string, version: string) =>
      db()
        .insert(entitlements)
        .values({
          userId: alice.id,
          deviceId: d.id,
          productId: await productId(slug),
          releaseId: (await artifactOf(slug, version, 'windows-x64')).releaseId,
        });
    await add('7-zip', '24.08'); // withdrawn
    await add('notepad-plus-plus', '8.8.2'); // deprecated
    const pulls = await listPulls(d.id);
    expect(pulls.map((p) => `${p.product.slug} ${p.release.version}`)).toEqual(['firefox 141.0', 'notepad-plus-plus 8.8.2']);
    for (const p of pulls) {
      const [target] = await db()
        .select({ artifact: artifacts, release: releases })
        .from(artifacts)
        .innerJoin(releases, eq(releases.id, artifacts.releaseId))
        .where(eq(artifacts.id, p.artifact.id));
      expect((await authorizeDownload({ kind: 'device', deviceId: d.id, ownerId: alice.id }, target)).entitlement?.id).toBe(
        p.entitlementId,
      );
    }

    // Ended or expired entitlements pull nothing.
    await db()
      .update(entitlements)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(entitlements.deviceId, d.id));
    expect(await listPulls(d.id)).toEqual([]);
  });
});

describe(`install reports (${engine})`, () => {
  let device: { id: string; token: string; auth: AuthenticatedDevice };
  let requestId: string;
  let idea: { id: string; sha256: string; releaseId: string };

  beforeAll(async () => {
    device = await enrolled(alice, 'alice-reports');
    const r = await ask(alice, 'intellij-idea', device.id); // needs her manager
    await decide(maria, decisionInput.parse({ requestId: r.id, decision: 'approved', comment: 'ok' }));
    requestId = r.id;
    const [pull] = await listPulls(device.id);
    idea = { id: pull!.artifact.id, sha256: pull!.artifact.sha256, releaseId: pull!.release.id };
  });

  it('links each event to device, owner, release, hash, request and approver; a retry is recorded once', async () => {
    const started = event(idea.id, 'download_started', { agentVersion: '1.0.0' });
    expect(await recordInstallEvents(device.auth, [started, started])).toEqual({ recorded: 1, duplicates: 1 });
    expect(await recordInstallEvents(device.auth, [started])).toEqual({ recorded: 0, duplicates: 1 });
    // Retries racing each other (a timeout, then a resend): still one row.
    const again = event(idea.id, 'download_started');
    const raced = await Promise.all([1, 2, 3].map(() => recordInstallEvents(device.auth, [again])));
    expect(raced.map((r) => r.recorded).sort()).toEqual([0, 0, 1]);
    const rows = await ledger(device.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      type: 'download_started',
      userId: alice.id,
      productId: await productId('intellij-idea'),
      releaseId: idea.releaseId,
      artifactId: idea.id,
      sha256: idea.sha256,
      requestId,
      approverId: maria.id,
      agentVersion: '1.0.0',
      idempotencyKey: started.idempotencyKey,
    });
  });

  it('download_completed fulfils the request; install_failed needs a reason and keeps the tail of long errors', async () => {
    expect(await requestStatus(requestId)).toBe('approved');
    await recordInstallEvents(device.auth, [event(idea.id, 'download_completed', { bytes: 1234 })]);
    expect(await requestStatus(requestId)).toBe('fulfilled');
    const fulfilled = await db().query.auditEvents.findFirst({
      where: and(eq(auditEvents.entityId, requestId), eq(auditEvents.action, 'request.fulfilled')),
    });
    expect(fulfilled).toMatchObject({ actorKind: 'device', actorId: device.id });

    await expect(recordInstallEvents(device.auth, [event(idea.id, 'install_failed')])).rejects.toMatchObject({
      field: 'events.0.errorText',
    });
    const long = `${'x'.repeat(9000)}THE END`;
    await recordInstallEvents(device.auth, [event(idea.id, 'install_failed', { errorText: long, exitCode: 1603 })]);
    const failed = (await ledger(device.id)).find((e) => e.type === 'install_failed')!;
    expect(failed.errorText).toHaveLength(8000);
    expect(failed.errorText!.endsWith('THE END')).toBe(true);
    expect(failed.exitCode).toBe(1603);
  });

  it('malformed input names the field; an unentitled artifact refuses the whole batch', async () => {
    const before = (await ledger(device.id)).length;
    const field = (events: unknown) => reportsInput.safeParse({ events }).error?.issues[0]?.path.join('.');
    expect(field([{ ...event(idea.id, 'download_started'), type: 'exploded' }])).toBe('events.0.type');
    expect(field([event(idea.id, 'download_started'), { ...event(idea.id, 'download_started'), idempotencyKey: 'short' }])).toBe(
      'events.1.idempotencyKey',
    );
    expect(field([{ ...event(idea.id, 'download_started'), occurredAt: 'yesterday' }])).toBe('events.0.occurredAt');
    expect(field([])).toBe('events');
    await expect(
      recordInstallEvents(device.auth, [{ ...event(idea.id, 'download_started'), artifactId: 'nope' }] as never),
    ).rejects.toMatchObject({ status: 422, field: 'events.0.artifactId' });

    const chrome = await artifactOf('google-chrome', '139.0.7258.66', 'linux-x64');
    const batch = [event(idea.id, 'install_succeeded'), event(chrome.id, 'install_succeeded')];
    await expect(recordInstallEvents(device.auth, batch)).rejects.toMatchObject({ status: 403, field: 'events.1.artifactId' });
    await expect(recordInstallEvents(device.auth, [event(randomUUID(), 'uninstalled')])).rejects.toBeInstanceOf(ForbiddenError);
    expect(await ledger(device.id)).toHaveLength(before);
  });

  it('an auto-approved request has no approver; a browser download is recorded and fulfils it', async () => {
    const r = await ask(alice, 'firefox', device.id);
    const [pull] = (await listPulls(device.id)).filter((p) => p.product.slug === 'firefox');
    const download = await openDownload({ kind: 'user', actor: alice, deviceId: device.id }, pull!.artifact.id, { method: 'GET' });
    const body = await recordedBrowserBody({ userId: alice.id, deviceId: device.id }, pull!.artifact.id, download);
    expect((await ledger(device.id)).at(-1)).toMatchObject({ type: 'download_started', requestId: r.id, approverId: null });
    expect(await requestStatus(r.id)).toBe('approved');
    const bytes = Buffer.from(await new Response(body).arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(pull!.artifact.sha256);
    expect((await ledger(device.id)).at(-1)).toMatchObject({ type: 'download_completed', bytes: bytes.length, idempotencyKey: null });
    expect(await requestStatus(r.id)).toBe('fulfilled');
  });

  it('uninstalled ends the entitlement and hands its seat to the next request waiting for one', async () => {
    const gimp = await productId('gimp');
    await db().update(products).set({ seatLimit: 1, seatExhausted: 'wait' }).where(eq(products.id, gimp));
    const mine = await ask(alice, 'gimp', device.id);
    const bobs = await ask(bob, 'gimp', (await db().query.devices.findFirst({ where: eq(devices.hostname, 'bob-studio') }))!.id);
    expect([await requestStatus(mine.id), await requestStatus(bobs.id)]).toEqual(['approved', 'waiting_for_seat']);
    const [pull] = (await listPulls(device.id)).filter((p) => p.product.slug === 'gimp');

    const gone = event(pull!.artifact.id, 'uninstalled');
    expect(await recordInstallEvents(device.auth, [event(pull!.artifact.id, 'install_succeeded'), gone])).toEqual({
      recorded: 2,
      duplicates: 0,
    });
    const ended = await db().query.entitlements.findFirst({ where: eq(entitlements.id, pull!.entitlementId) });
    expect(ended).toMatchObject({ status: 'revoked' });
    expect(await requestStatus(bobs.id)).toBe('approved');
    const audit = await db().query.auditEvents.findFirst({ where: eq(auditEvents.entityId, pull!.entitlementId) });
    expect(audit).toMatchObject({ action: 'entitlement.revoked', actorKind: 'device', actorId: device.id });

    // Retried: recorded once. Reported again later: fine against the ended entitlement. Anything else now: refused.
    expect(await recordInstallEvents(device.auth, [gone, event(pull!.artifact.id, 'uninstalled')])).toEqual({ recorded: 1, duplicates: 1 });
    await expect(recordInstallEvents(device.auth, [event(pull!.artifact.id, 'install_succeeded')])).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('retiring a device ends its entitlements, frees their seats and cancels its waiting requests', async () => {
    // GIMP has one seat, which Bob holds since the test above.
    const d = await enrolled(alice, 'alice-retire-1');
    const d2 = await enrolled(alice, 'alice-retire-2');
    const waiting = await ask(alice, 'gimp', d.id);
    const next = await ask(alice, 'gimp', d2.id);
    const ff = await ask(alice, 'firefox', d.id);
    expect([await requestStatus(waiting.id), await requestStatus(next.id)]).toEqual(['waiting_for_seat', 'waiting_for_seat']);

    await retireDevice(alice, d.id);
    expect(await requestStatus(waiting.id)).toBe('cancelled');
    expect((await db().query.entitlements.findFirst({ where: eq(entitlements.requestId, ff.id) }))?.status).toBe('revoked');
    await expect(recordInstallEvents(d.auth, [event(randomUUID(), 'uninstalled')])).rejects.toBeInstanceOf(UnauthorizedError);

    const bobStudio = (await db().query.devices.findFirst({ where: eq(devices.hostname, 'bob-studio') }))!.id;
    await retireDevice(bob, bobStudio); // frees the seat: the oldest request still waiting gets it
    expect(await requestStatus(next.id)).toBe('approved');
  });
});
