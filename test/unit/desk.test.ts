import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { artifacts, devices, installEvents, products, releases, users, type InstallEventType, type Platform } from '@/db/schema';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { installFilterInput, type InstallFilter } from '@/lib/installs/filters';
import {
  csvHeader,
  devicesOnRelease,
  findDevices,
  getDeviceView,
  getProductAdoption,
  listInstallRecords,
  listProductChoices,
  streamInstallRecordsCsv,
} from '@/lib/installs/queries';
import { foldIntoAdoptionDays } from '@/lib/installs/adoption-days';
import { refreshCurrentInstalls } from '@/lib/installs/current-table';
import { actor } from '../support/actors';
import { parseCsv } from '../support/csv';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
/** Noon (or hour h), UTC, d days ago. */
const daysAgo = (d: number, h = 12) => new Date(today - d * DAY + h * 3_600_000);
const filter = (raw: Record<string, string>): InstallFilter => installFilterInput.parse(raw);

async function deviceNamed(hostname: string) {
  const [d] = await db().select().from(devices).where(eq(devices.hostname, hostname));
  if (!d) throw new Error(`no seeded device ${hostname}`);
  return d;
}

async function artifactOf(slug: string, version: string, platform: Platform) {
  const [a] = await db()
    .select({ id: artifacts.id, releaseId: releases.id, productId: products.id, sha256: artifacts.sha256 })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .innerJoin(products, eq(products.id, releases.productId))
    .where(and(eq(products.slug, slug), eq(releases.version, version), eq(artifacts.platform, platform)));
  if (!a) throw new Error(`no artifact ${slug} ${version} ${platform}`);
  return a;
}

interface Fixture {
  type: InstallEventType;
  host: string;
  slug: string;
  version: string;
  at: Date | string;
  errorText?: string;
  exitCode?: number;
}

/** Inserts events on seeded devices (owner as the user) and returns their ids, in order. */
async function record(fixtures: Fixture[]): Promise<number[]> {
  const values = [];
  for (const f of fixtures) {
    const d = await deviceNamed(f.host);
    const a = await artifactOf(f.slug, f.version, d.platform);
    values.push({
      type: f.type,
      deviceId: d.id,
      userId: d.ownerId,
      productId: a.productId,
      releaseId: a.releaseId,
      artifactId: a.id,
      sha256: a.sha256,
      agentVersion: '1.4.2',
      exitCode: f.exitCode ?? null,
      errorText: f.errorText ?? null,
      // A string keeps microseconds, which a JS Date cannot hold.
      occurredAt: typeof f.at === 'string' ? sql`${f.at}::timestamptz` : f.at,
    });
  }
  const rows = await db().insert(installEvents).values(values).returning({ id: installEvents.id, deviceId: installEvents.deviceId });
  // Written past recordInstallEvents, so the current-state and adoption tables are brought up to date as it would.
  for (const deviceId of new Set(values.map((v) => v.deviceId))) {
    await refreshCurrentInstalls(db(), deviceId, [...new Set(values.filter((v) => v.deviceId === deviceId).map((v) => v.productId))]);
    const ids = rows.filter((r) => r.deviceId === deviceId).map((r) => r.id);
    await foldIntoAdoptionDays(db(), deviceId, ids);
  }
  return rows.map((r) => r.id);
}

/** Every row for the filter, following nextCursor to the end, checking each page's size. */
async function allPages(f: InstallFilter) {
  const desk = await actor('desk@example.com');
  const rows = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listInstallRecords(desk, f, cursor);
    rows.push(...page.rows);
    if (!page.nextCursor) return rows;
    expect(page.rows).toHaveLength(50);
    cursor = page.nextCursor;
  }
}

/** The CSV for the filter, read in small batches so that a few hundred rows cross several batch boundaries. */
async function csvOf(f: InstallFilter) {
  let text = '';
  for await (const line of streamInstallRecordsCsv(await actor('desk@example.com'), f, 100)) text += line;
  return { text, rows: parseCsv(text) };
}

describe(`service desk: install records (${engine})`, () => {
  it('is for the service desk and admins: everyone else gets ForbiddenError from every function', async () => {
    const { releaseId } = await artifactOf('firefox', '140.0.4', 'windows-x64');
    const device = await deviceNamed('alice-mbp');
    for (const email of ['alice@example.com', 'manager@example.com', 'librarian@example.com']) {
      const who = await actor(email);
      await expect(listInstallRecords(who, {})).rejects.toBeInstanceOf(ForbiddenError);
      await expect(streamInstallRecordsCsv(who, {}).next()).rejects.toBeInstanceOf(ForbiddenError);
      await expect(getDeviceView(who, device.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(getProductAdoption(who, 'firefox')).rejects.toBeInstanceOf(ForbiddenError);
      await expect(devicesOnRelease(who, releaseId)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(findDevices(who, 'alice')).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listProductChoices(who)).rejects.toBeInstanceOf(ForbiddenError);
    }
    const admin = await actor('admin@example.com');
    // The demo seed's history (db/seed-history.ts) is what an admin sees here.
    expect((await listInstallRecords(admin, {})).rows.length).toBeGreaterThan(0);
    const view = await getDeviceView(admin, device.id);
    expect(view.hostname).toBe('alice-mbp');
    expect(view.software.map((s) => s.product.slug)).toEqual(['zoom-workplace']);
    expect(view.timeline.length).toBeGreaterThan(0);
  });

  it('finds devices by part of their name, records or not, taking % and _ literally', async () => {
    const desk = await actor('desk@example.com');
    expect((await findDevices(desk, 'ALICE')).map((d) => [d.hostname, d.owner])).toEqual([
      ['ALICE-LT-4411', 'Alice Anders'],
      ['alice-mbp', 'Alice Anders'],
    ]);
    expect(await findDevices(desk, '%')).toEqual([]);
    expect(await findDevices(desk, '_')).toEqual([]);
  });

  it('filters by device, user, product, version, outcome and day, each returning exactly the matching rows', async () => {
    const fixtures: Fixture[] = [
      { type: 'download_started', host: 'ALICE-LT-4411', slug: 'firefox', version: '140.0.4', at: '2001-03-01T09:00:00Z' },
      { type: 'download_completed', host: 'ALICE-LT-4411', slug: 'firefox', version: '140.0.4', at: '2001-03-01T09:01:00Z' },
      { type: 'install_succeeded', host: 'ALICE-LT-4411', slug: 'firefox', version: '140.0.4', at: '2001-03-01T09:03:00Z' },
      { type: 'install_failed', host: 'alice-mbp', slug: 'google-chrome', version: '138.0.7204.158', at: '2001-03-02T10:00:00Z' },
      { type: 'install_succeeded', host: 'alice-mbp', slug: 'google-chrome', version: '138.0.7204.158', at: '2001-03-02T11:00:00Z' },
      { type: 'install_succeeded', host: 'bob-studio', slug: 'firefox', version: '141.0', at: '2001-03-05T08:00:00Z' },
      { type: 'install_failed', host: 'FIN-LT-0192', slug: 'firefox', version: '140.0.4', at: '2001-03-06T08:00:00Z', exitCode: 1603 },
      { type: 'install_succeeded', host: 'maria-xps', slug: 'git', version: '2.50.1', at: '2001-03-07T23:59:59.999Z' },
      { type: 'uninstalled', host: 'maria-xps', slug: 'git', version: '2.50.1', at: '2001-03-08T00:00:00Z' },
      { type: 'install_succeeded', host: 'sec-ws-01', slug: 'firefox', version: '139.0.4', at: '2001-03-09T12:00:00Z' },
    ];
    const ids = await record(fixtures);
    const rows = fixtures.map((f, i) => ({ ...f, id: ids[i]! })).reverse(); // Newest first, as listed.
    const owners: Record<string, string> = {
      'ALICE-LT-4411': 'alice@example.com',
      'alice-mbp': 'alice@example.com',
      'bob-studio': 'bob@example.com',
      'FIN-LT-0192': 'fiona@example.com',
      'maria-xps': 'manager@example.com',
      'sec-ws-01': 'sec1@example.com',
    };
    const year = { from: '2001-01-01', to: '2001-12-31' };
    const expectRows = async (raw: Record<string, string>, keep: (f: Fixture) => boolean) => {
      const got = await allPages(filter({ ...year, ...raw }));
      expect(
        got.map((r) => r.id),
        JSON.stringify(raw),
      ).toEqual(rows.filter(keep).map((r) => r.id));
    };

    await expectRows({}, () => true);
    await expectRows({ device: 'alice' }, (f) => f.host.toLowerCase().includes('alice'));
    await expectRows({ device: 'LT-' }, (f) => f.host.includes('LT-'));
    await expectRows({ device: '%' }, () => false); // Matched literally, not as a wildcard.
    await expectRows({ user: 'alice@' }, (f) => owners[f.host] === 'alice@example.com');
    await expectRows({ user: 'berg' }, (f) => owners[f.host] === 'bob@example.com'); // By name: Bob Berg.
    await expectRows({ product: 'firefox' }, (f) => f.slug === 'firefox');
    await expectRows({ product: 'no-such-product' }, () => false);
    await expectRows({ version: '140.0.4' }, (f) => f.version === '140.0.4');
    await expectRows({ outcome: 'install_failed' }, (f) => f.type === 'install_failed');
    await expectRows({ from: '2001-03-02', to: '2001-03-07' }, (f) => String(f.at) >= '2001-03-02' && String(f.at) < '2001-03-08');
    await expectRows(
      { product: 'firefox', outcome: 'install_succeeded', user: 'alice' },
      (f) => f.host === 'ALICE-LT-4411' && f.type === 'install_succeeded',
    );

    // The DTO names everything the desk needs, without ids it would have to look up.
    const [failed] = await allPages(filter({ ...year, device: 'FIN-LT' }));
    expect(failed).toMatchObject({
      type: 'install_failed',
      device: { hostname: 'FIN-LT-0192' },
      user: { name: 'Fiona Finch', email: 'fiona@example.com' },
      product: { name: 'Mozilla Firefox', slug: 'firefox' },
      version: '140.0.4',
      platform: 'windows-x64',
      exitCode: 1603,
      agentVersion: '1.4.2',
      requestId: null,
      approver: null,
    });
    expect(failed!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('pages with a keyset cursor: every row exactly once, newest first, ties broken by id and by microseconds', async () => {
    const fixtures: Fixture[] = [];
    for (let i = 0; i < 130; i++) {
      // Groups of three share a time to the microsecond; neighbours differ only in microseconds.
      const us = String(Math.floor(i / 3)).padStart(6, '0');
      fixtures.push({
        type: 'install_succeeded',
        host: 'DESK-WS-12',
        slug: 'visual-studio-code',
        version: '1.103.0',
        at: `2002-05-05T10:00:00.${us}Z`,
      });
    }
    const ids = await record(fixtures);
    const f = filter({ from: '2002-01-01', to: '2002-12-31' });
    const rows = await allPages(f);
    expect(rows).toHaveLength(130);
    // Newest first: the highest microsecond group first, and within a group the highest id.
    const expected = ids.map((id, i) => ({ id, us: Math.floor(i / 3) })).sort((a, b) => b.us - a.us || b.id - a.id);
    expect(rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));

    const desk = await actor('desk@example.com');
    await expect(listInstallRecords(desk, f, 'not-a-cursor')).rejects.toBeInstanceOf(ValidationError);
    await expect(listInstallRecords(desk, f, Buffer.from('2002-01-01T00:00:00Z~1').toString('base64url'))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('exports as CSV exactly the rows of the table, in its order, across batches, with hostile text made harmless', async () => {
    const nasty = '=HYPERLINK("http://evil.example/?q=1","Click, here")\r\nsecond line, with "quotes"';
    const fixtures: Fixture[] = [];
    for (let i = 0; i < 440; i++) {
      fixtures.push({
        type: 'download_started',
        host: 'bob-studio',
        slug: 'postman',
        version: '11.55.4',
        at: new Date(Date.UTC(2003, 0, 1) + i * 60_000),
      });
    }
    fixtures.push({
      type: 'install_failed',
      host: 'bob-studio',
      slug: 'postman',
      version: '11.55.4',
      at: '2003-06-01T00:00:00Z',
      errorText: nasty,
      exitCode: -1,
    });
    fixtures.push({
      type: 'install_failed',
      host: 'bob-studio',
      slug: 'postman',
      version: '11.55.4',
      at: '2003-06-02T00:00:00Z',
      errorText: '@SUM(A1)',
    });
    await record(fixtures);

    const all = filter({ from: '2003-01-01', to: '2003-12-31' });
    const { rows } = await csvOf(all);
    expect(rows[0]).toEqual([...csvHeader]);
    const table = await allPages(all);
    expect(rows.slice(1).map((r) => Number(r[csvHeader.indexOf('event_id')]))).toEqual(table.map((r) => r.id));
    expect(rows).toHaveLength(1 + 442);

    const failed = filter({ from: '2003-01-01', to: '2003-12-31', outcome: 'install_failed' });
    const { text, rows: failedRows } = await csvOf(failed);
    expect(failedRows.slice(1).map((r) => Number(r[csvHeader.indexOf('event_id')]))).toEqual((await allPages(failed)).map((r) => r.id));
    const col = (name: (typeof csvHeader)[number]) => csvHeader.indexOf(name);
    expect(failedRows[1]![col('error_text')]).toBe("'@SUM(A1)");
    expect(failedRows[2]![col('error_text')]).toBe(`'${nasty}`);
    expect(failedRows[2]![col('exit_code')]).toBe('-1'); // A number, not neutralised into text.
    expect(failedRows[2]).toHaveLength(csvHeader.length);
    expect(failedRows[2]![col('user_email')]).toBe('bob@example.com');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?q=1"",""Click, here"")\r\nsecond line, with ""quotes"""`);
    // The table shows the same text on one line, cut short.
    const [shown] = (await allPages(failed)).slice(1);
    expect(shown!.errorExcerpt).toBe('=HYPERLINK("http://evil.example/?q=1","Click, here") second line, with "quotes"');
  });
});

describe(`service desk: what devices run now (${engine})`, () => {
  it('derives current software from the ledger: uninstalled is gone, failed is not current, an old version removed after an upgrade keeps the new one', async () => {
    const host = 'OPS-SURFACE-7';
    await record([
      { type: 'install_succeeded', host, slug: 'firefox', version: '140.0.4', at: daysAgo(30) },
      { type: 'uninstalled', host, slug: 'firefox', version: '140.0.4', at: daysAgo(20) },
      { type: 'install_succeeded', host, slug: 'google-chrome', version: '138.0.7204.158', at: daysAgo(30) },
      { type: 'install_failed', host, slug: 'google-chrome', version: '139.0.7258.66', at: daysAgo(10), errorText: 'MSI error 1603' },
      { type: 'install_succeeded', host, slug: 'visual-studio-code', version: '1.102.3', at: daysAgo(40) },
      { type: 'install_succeeded', host, slug: 'visual-studio-code', version: '1.103.0', at: daysAgo(5) },
      { type: 'uninstalled', host, slug: 'visual-studio-code', version: '1.102.3', at: daysAgo(5, 13) },
      { type: 'install_failed', host, slug: 'git', version: '2.50.1', at: daysAgo(3) },
      { type: 'download_completed', host, slug: 'nodejs', version: '22.18.0', at: daysAgo(2) },
    ]);
    const device = await deviceNamed(host);
    const view = await getDeviceView(await actor('desk@example.com'), device.id);
    expect(view).toMatchObject({ hostname: host, platform: 'windows-arm64', owner: { name: 'Otto Ops', email: 'ops1@example.com' } });
    expect(view.software.map((s) => [s.product.slug, s.version])).toEqual([
      ['google-chrome', '138.0.7204.158'],
      ['visual-studio-code', '1.103.0'],
    ]);
    expect(view.software[1]!.installedAt).toEqual(daysAgo(5));
    expect(view.timeline.map((t) => t.type)).toEqual([
      'download_completed',
      'install_failed',
      'uninstalled',
      'install_succeeded',
      'install_failed',
      'uninstalled',
      'install_succeeded',
      'install_succeeded',
      'install_succeeded',
    ]);
    expect(view.timeline).toHaveLength(9);

    await expect(getDeviceView(await actor('desk@example.com'), 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('counts devices per current version, over time, and where installs fail; lists who is still on a withdrawn release', async () => {
    const desk = await actor('desk@example.com');
    const E = (type: InstallEventType, host: string, version: string, at: Date, errorText?: string): Fixture => ({
      type,
      host,
      slug: 'notepad-plus-plus',
      version,
      at,
      errorText,
    });
    await record([
      E('install_succeeded', 'ALICE-LT-4411', '8.8.1', daysAgo(80)),
      E('install_succeeded', 'FIN-LT-0192', '8.8.1', daysAgo(79)),
      E('install_succeeded', 'DESK-WS-12', '8.8.1', daysAgo(78)),
      E('install_failed', 'OPS-SURFACE-7', '8.8.2', daysAgo(60), 'Access is denied. (0x80070005)'),
      E('install_failed', 'OPS-SURFACE-7', '8.8.2', daysAgo(59), 'Access is denied. (0x80070005)'),
      E('install_succeeded', 'OPS-SURFACE-7', '8.8.2', daysAgo(58)),
      E('install_succeeded', 'DESK-WS-12', '8.8.3', daysAgo(40)),
      E('install_failed', 'FIN-LT-0192', '8.8.3', daysAgo(30), 'MSI error 1618: another installation is in progress'),
      E('uninstalled', 'ALICE-LT-4411', '8.8.1', daysAgo(10)),
      E('install_succeeded', 'ALICE-LT-4411', '8.8.3', daysAgo(9)),
    ]);
    const a = await getProductAdoption(desk, 'notepad-plus-plus');
    const byVersion = Object.fromEntries(a.versions.map((v) => [v.version, v]));
    expect(a.versions.map((v) => v.version)).toEqual(['8.8.3', '8.8.2', '8.8.1']);
    expect(byVersion['8.8.1']).toMatchObject({ status: 'withdrawn', devices: 1, failed: 0, succeeded: 3 });
    expect(byVersion['8.8.2']).toMatchObject({ status: 'deprecated', devices: 1, failed: 2, succeeded: 1 });
    expect(byVersion['8.8.3']).toMatchObject({ status: 'published', devices: 2, failed: 1, succeeded: 2 });

    // Over time: 90 days, the last one agreeing with the counts above.
    expect(a.timeline.days).toHaveLength(90);
    expect(a.timeline.days.at(-1)).toBe(new Date().toISOString().slice(0, 10));
    const series = Object.fromEntries(a.timeline.series.map((s) => [s.version, s.values]));
    for (const v of a.versions) expect(series[v.version]?.at(-1) ?? 0, v.version).toBe(v.devices);
    const day = (d: number) => 89 - d; // Index of the day d days ago.
    expect([series['8.8.1']![day(85)], series['8.8.1']![day(78)], series['8.8.1']![day(50)], series['8.8.1']![day(10)]]).toEqual([
      0, 3, 3, 1,
    ]);
    expect([series['8.8.3']![day(41)], series['8.8.3']![day(40)], series['8.8.3']![day(9)]]).toEqual([0, 1, 2]);
    expect(series['8.8.2']![day(58)]).toBe(1);

    expect(a.failuresByPlatform).toEqual([
      { platform: 'windows-arm64', failed: 2, succeeded: 1 },
      { platform: 'windows-x64', failed: 1, succeeded: 5 },
    ]);
    expect(a.topErrors.map((e) => [e.text, e.count])).toEqual([
      ['Access is denied. (0x80070005)', 2],
      ['MSI error 1618: another installation is in progress', 1],
    ]);
    expect(a.topErrors[0]!.lastAt).toEqual(daysAgo(59));

    // Still on the withdrawn 8.8.1: only Fiona's laptop (Alice's was uninstalled, the desk's upgraded).
    const withdrawn = await devicesOnRelease(desk, byVersion['8.8.1']!.releaseId);
    expect(withdrawn).toMatchObject({ release: { version: '8.8.1', status: 'withdrawn' }, total: 1 });
    expect(withdrawn.release.withdrawReason).toMatch(/CVE-2025-49144/);
    expect(withdrawn.devices).toEqual([
      {
        id: (await deviceNamed('FIN-LT-0192')).id,
        hostname: 'FIN-LT-0192',
        platform: 'windows-x64',
        owner: { name: 'Fiona Finch', email: 'fiona@example.com' },
        since: daysAgo(79),
      },
    ]);
    const newest = await devicesOnRelease(desk, byVersion['8.8.3']!.releaseId);
    expect(newest.devices.map((d) => d.hostname)).toEqual(['DESK-WS-12', 'ALICE-LT-4411']);

    // A product nobody installed: empty, not an error; an unknown one: not found.
    const quiet = await getProductAdoption(desk, 'xcode');
    expect(quiet.timeline.series).toEqual([]);
    expect(quiet.versions.every((v) => v.devices === 0)).toBe(true);
    await expect(getProductAdoption(desk, 'no-such-product')).rejects.toBeInstanceOf(NotFoundError);
    const [anyUser] = await db().select().from(users).limit(1);
    await expect(devicesOnRelease(desk, anyUser!.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
