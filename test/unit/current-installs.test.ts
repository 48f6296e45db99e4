import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { deviceCurrentInstalls, installEvents } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import type { AuthenticatedDevice } from '@/lib/devices/service';
import { devicesOnRelease } from '@/lib/installs/adoption';
import { checkCurrentInstalls, rebuildCurrentInstalls } from '@/lib/installs/current-table';
import { getDeviceView } from '@/lib/installs/device-view';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { enrolledDevice, releasesOf } from '../support/deployments';
import { reportEntitled } from '../support/ledger';

const db = setupTestDb();
let alice: Actor, desk: Actor;
let firefox: string;
/** Firefox's published releases, oldest first: [139 (deprecated), 140, 141]. */
let builds: { releaseId: string; artifactId: string; version: string }[];

beforeAll(async () => {
  alice = await actor('alice@example.com');
  desk = await actor('desk@example.com');
  const seeded = await releasesOf('firefox');
  firefox = seeded.product.id;
  builds = seeded.releases.map((r) => ({ releaseId: r.id, artifactId: r.artifactId, version: r.version }));
  expect(builds.map((b) => b.version)).toEqual(['139.0.4', '140.0.4', '141.0']);
});

const enrolled = async (hostname: string) => (await enrolledDevice(alice, hostname)).auth;

type Step = {
  key?: string;
  type: 'install_succeeded' | 'uninstalled' | 'install_failed' | 'download_completed';
  build: number;
  at: number;
};
const T0 = Date.parse('2026-01-01T00:00:00Z');
const toEvent = (s: Step) => ({
  idempotencyKey: s.key ?? randomUUID(),
  type: s.type,
  artifactId: builds[s.build]!.artifactId,
  occurredAt: new Date(T0 + s.at * 60_000).toISOString(),
  ...(s.type === 'install_failed' ? { exitCode: 1 } : {}),
});

/** Reports the steps as the agent would, with an active "any release" entitlement to Firefox. */
const report = (device: AuthenticatedDevice, steps: Step[]) => reportEntitled(db(), device, alice, firefox, steps.map(toEvent));

/** The version the table says the device runs, or null. */
async function tableSays(device: AuthenticatedDevice): Promise<string | null> {
  const [row] = await db()
    .select({ releaseId: deviceCurrentInstalls.releaseId })
    .from(deviceCurrentInstalls)
    .where(and(eq(deviceCurrentInstalls.deviceId, device.deviceId), eq(deviceCurrentInstalls.productId, firefox)));
  return row ? builds.find((b) => b.releaseId === row.releaseId)!.version : null;
}

/** The rule of lib/installs/current-table.ts, computed here in JS from the ledger rows, independently of the SQL. */
async function ledgerSays(device: AuthenticatedDevice): Promise<string | null> {
  const rows = await db()
    .select()
    .from(installEvents)
    .where(and(eq(installEvents.deviceId, device.deviceId), eq(installEvents.productId, firefox)));
  const order = (a: (typeof rows)[number], b: (typeof rows)[number]) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id;
  const latest = rows
    .filter((r) => r.type === 'install_succeeded')
    .sort(order)
    .at(-1);
  if (!latest) return null;
  const removed = rows.some((r) => r.type === 'uninstalled' && r.releaseId === latest.releaseId && order(r, latest) > 0);
  return removed ? null : builds.find((b) => b.releaseId === latest.releaseId)!.version;
}

async function expectCurrent(device: AuthenticatedDevice, version: string | null) {
  expect(await ledgerSays(device)).toBe(version);
  expect(await tableSays(device)).toBe(version);
  expect((await checkCurrentInstalls(db())).mismatches).toEqual([]);
}

describe(`device_current_installs follows the ledger (${engine})`, () => {
  it('handles upgrades, uninstalls of other releases, late and retried events', async () => {
    const d = await enrolled('alice-current-1');
    await expectCurrent(d, null);
    await report(d, [{ type: 'install_succeeded', build: 0, at: 10 }]);
    await expectCurrent(d, '139.0.4');
    // Downloads and failures change nothing.
    await report(d, [
      { type: 'download_completed', build: 2, at: 11 },
      { type: 'install_failed', build: 2, at: 12 },
    ]);
    await expectCurrent(d, '139.0.4');
    const upgrade: Step = { key: `upgrade-${randomUUID()}`, type: 'install_succeeded', build: 1, at: 30 };
    await report(d, [upgrade]);
    await expectCurrent(d, '140.0.4');
    // An older install arriving late does not replace the newer one.
    await report(d, [{ type: 'install_succeeded', build: 2, at: 20 }]);
    await expectCurrent(d, '140.0.4');
    // Removing the old version after an upgrade leaves the new one current.
    await report(d, [{ type: 'uninstalled', build: 0, at: 40 }]);
    await expectCurrent(d, '140.0.4');
    // A retried batch is recorded once and changes nothing.
    expect(await report(d, [upgrade])).toEqual({ recorded: 0, duplicates: 1 });
    await expectCurrent(d, '140.0.4');
    // Uninstalling the current release: nothing is current (no fallback to an older install).
    await report(d, [{ type: 'uninstalled', build: 1, at: 50 }]);
    await expectCurrent(d, null);
    await report(d, [{ type: 'install_succeeded', build: 0, at: 25 }]); // late, and older than the uninstalled one
    await expectCurrent(d, null);
    // An uninstall reported with a time before the install it would remove does not remove it.
    await report(d, [{ type: 'install_succeeded', build: 2, at: 60 }]);
    await report(d, [{ type: 'uninstalled', build: 2, at: 55 }]);
    await expectCurrent(d, '141.0');
  });

  it('an uninstall recorded before the (earlier) install it follows; equal times are ordered by id', async () => {
    const d = await enrolled('alice-current-2');
    await report(d, [{ type: 'uninstalled', build: 1, at: 90 }]);
    await expectCurrent(d, null);
    await report(d, [{ type: 'install_succeeded', build: 1, at: 80 }]);
    await expectCurrent(d, null);
    // Same occurred_at in one batch: the uninstall is recorded after the install, so it follows it.
    await report(d, [
      { type: 'install_succeeded', build: 2, at: 100 },
      { type: 'uninstalled', build: 2, at: 100 },
    ]);
    await expectCurrent(d, null);
    await report(d, [{ type: 'install_succeeded', build: 0, at: 100 }]);
    await expectCurrent(d, '139.0.4');
  });

  it('a varied random sequence in random batches, with retries and concurrent reports, ends equal to the ledger', async () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const fleet = await Promise.all([1, 2, 3, 4].map((i) => enrolled(`alice-current-r${i}`)));
    for (let round = 0; round < 8; round++) {
      await Promise.all(
        fleet.map(async (d) => {
          const steps: Step[] = Array.from({ length: 1 + rand(4) }, () => ({
            key: randomUUID(),
            type: (['install_succeeded', 'install_succeeded', 'uninstalled', 'install_failed'] as const)[rand(4)]!,
            build: rand(3),
            at: rand(200),
          }));
          await report(d, steps);
          if (rand(2)) await report(d, steps.slice(0, 1 + rand(steps.length))); // a retry of part of it
        }),
      );
      // Two batches of one device at once.
      const d = fleet[round % fleet.length]!;
      await Promise.all([0, 1].map((b) => report(d, [{ type: 'install_succeeded', build: b + 1, at: 300 + round * 2 + b }])));
    }
    for (const d of fleet) expect(await tableSays(d)).toBe(await ledgerSays(d));
    expect((await checkCurrentInstalls(db())).mismatches).toEqual([]);
  });

  it('the check finds a table that disagrees with the ledger, and a rebuild repairs it', async () => {
    const d = await enrolled('alice-current-check');
    await report(d, [{ type: 'install_succeeded', build: 1, at: 10 }]);
    await db().delete(deviceCurrentInstalls).where(eq(deviceCurrentInstalls.deviceId, d.deviceId));
    const broken = await checkCurrentInstalls(db());
    expect(broken.mismatches).toEqual([expect.objectContaining({ deviceId: d.deviceId, productId: firefox, table: null })]);
    await rebuildCurrentInstalls(db());
    await expectCurrent(d, '140.0.4');
  });

  it('the desk reads the table: device software and "devices still on" a release', async () => {
    const d = await enrolled('alice-current-desk');
    await report(d, [{ type: 'install_succeeded', build: 0, at: 5 }]);
    const view = await getDeviceView(desk, d.deviceId);
    expect(view.software).toEqual([expect.objectContaining({ version: '139.0.4', product: { name: 'Mozilla Firefox', slug: 'firefox' } })]);
    const on = await devicesOnRelease(desk, builds[0]!.releaseId);
    expect(on.devices.map((x) => x.id)).toContain(d.deviceId);
    expect(on.total).toBe(
      (await db().select().from(deviceCurrentInstalls).where(eq(deviceCurrentInstalls.releaseId, builds[0]!.releaseId))).length,
    );
  });
});
