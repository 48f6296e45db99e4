import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { adoptionDays, adoptionErrorDays, installEvents } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import type { AuthenticatedDevice } from '@/lib/devices/service';
import { ADOPTION_DAYS, getProductAdoption } from '@/lib/installs/adoption';
import { checkAdoptionDays } from '@/lib/installs/adoption-days';
import { checkCurrentInstalls, rebuildCurrentInstalls } from '@/lib/installs/current-table';
import { requestRemoval } from '@/lib/removals/service';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { enrolledDevice, releasesOf } from '../support/deployments';
import { reportEntitled } from '../support/ledger';

const db = setupTestDb();
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
let alice: Actor, desk: Actor;
let firefox: string;
/** Firefox's published releases, oldest first, with their linux-x64 artifacts. */
let builds: { releaseId: string; artifactId: string; version: string }[];

beforeAll(async () => {
  alice = await actor('alice@example.com');
  desk = await actor('desk@example.com');
  const seeded = await releasesOf('firefox');
  firefox = seeded.product.id;
  builds = seeded.releases.map((r) => ({ releaseId: r.id, artifactId: r.artifactId, version: r.version }));
  expect(builds.length).toBeGreaterThanOrEqual(3);
});

const enrolled = async (hostname: string) => (await enrolledDevice(alice, hostname)).auth;

type StepType = 'install_succeeded' | 'uninstalled' | 'install_failed' | 'uninstall_failed' | 'download_completed';
type Step = { key?: string; type: StepType; build: number; at: Date; errorText?: string };
const ERRORS = ['dpkg: error processing archive', 'No space left on device', 'x'.repeat(250)];

const toEvent = (s: Step) => ({
  idempotencyKey: s.key ?? randomUUID(),
  type: s.type,
  artifactId: builds[s.build]!.artifactId,
  occurredAt: s.at.toISOString(),
  ...(s.type === 'install_failed' || s.type === 'uninstall_failed' ? (s.errorText ? { errorText: s.errorText } : { exitCode: 1 }) : {}),
});

/** Reports the steps as the agent would, with an active "any release" entitlement to Firefox. */
const report = (device: AuthenticatedDevice, steps: Step[]) => reportEntitled(db(), device, alice, firefox, steps.map(toEvent));

async function expectTablesMatchLedger() {
  expect(await checkAdoptionDays(db())).toEqual({ days: [], errors: [] });
  expect((await checkCurrentInstalls(db())).mismatches).toEqual([]);
}

/**
 * What the adoption view showed when it replayed Firefox's ledger on every view (the code this
 * table replaced, kept here as the independent model): devices per release at each day's end,
 * outcomes and top errors over the window.
 */
async function replayedView() {
  const rows = await db()
    .select()
    .from(installEvents)
    .where(eq(installEvents.productId, firefox))
    .orderBy(asc(installEvents.occurredAt), asc(installEvents.id));
  const starts = Array.from({ length: ADOPTION_DAYS }, (_, i) => today - (ADOPTION_DAYS - 1 - i) * DAY);
  const current = new Map<string, string>();
  const counts = new Map<string, number>();
  const bump = (release: string, by: number) => counts.set(release, (counts.get(release) ?? 0) + by);
  const snapshots: Map<string, number>[] = [];
  for (const e of rows) {
    while (snapshots.length < starts.length - 1 && starts[snapshots.length]! + DAY <= e.occurredAt.getTime())
      snapshots.push(new Map(counts));
    const was = current.get(e.deviceId);
    if (e.type === 'install_succeeded') {
      if (was) bump(was, -1);
      current.set(e.deviceId, e.releaseId);
      bump(e.releaseId, 1);
    } else if (e.type === 'uninstalled' && was === e.releaseId) {
      current.delete(e.deviceId);
      bump(was, -1);
    }
  }
  while (snapshots.length < starts.length) snapshots.push(new Map(counts));
  const recent = rows.filter((e) => e.occurredAt.getTime() >= starts[0]!);
  const outcomes = new Map<string, { failed: number; succeeded: number }>();
  const errors = new Map<string, { count: number; lastAt: Date }>();
  for (const e of recent) {
    if (e.type !== 'install_succeeded' && e.type !== 'install_failed') continue;
    const o = outcomes.get(e.releaseId) ?? { failed: 0, succeeded: 0 };
    if (e.type === 'install_failed') o.failed++;
    else o.succeeded++;
    outcomes.set(e.releaseId, o);
    if (e.type !== 'install_failed' || e.errorText === null) continue;
    const text = e.errorText.slice(0, 200);
    const x = errors.get(text) ?? { count: 0, lastAt: e.occurredAt };
    errors.set(text, { count: x.count + 1, lastAt: e.occurredAt > x.lastAt ? e.occurredAt : x.lastAt });
  }
  return {
    series: (releaseId: string) => snapshots.map((s) => s.get(releaseId) ?? 0),
    outcomes,
    topErrors: [...errors]
      .map(([text, x]) => ({ text, ...x }))
      .sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1))
      .slice(0, 5),
  };
}

describe(`adoption_days follows the ledger (${engine})`, () => {
  it(
    'after installs, upgrades, failures, uninstalls and a removal, late, future-dated, retried and concurrent, equals a rebuild from the ledger',
    { timeout: 120_000 },
    async () => {
      let seed = 11;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return Math.floor((seed / 2 ** 31) * n); // the high bits: an LCG's low bits repeat with a short period
      };
      // From 100 days ago (before the view's window) to two days ahead (a device clock running fast).
      const someTime = () => new Date(today - 100 * DAY + rand(102 * 24) * 3_600_000 + rand(3_600_000));
      const types: StepType[] = ['install_succeeded', 'install_succeeded', 'install_succeeded', 'uninstalled', 'install_failed'];
      const fleet = await Promise.all([1, 2, 3, 4, 5].map((i) => enrolled(`alice-adoption-${i}`)));
      for (let round = 0; round < 6; round++) {
        await Promise.all(
          fleet.map(async (d) => {
            const steps: Step[] = Array.from({ length: 1 + rand(5) }, () => {
              const type = rand(8) === 0 ? (['uninstall_failed', 'download_completed'] as const)[rand(2)]! : types[rand(types.length)]!;
              return {
                key: randomUUID(),
                type,
                build: rand(3),
                at: someTime(),
                errorText: rand(3) ? ERRORS[rand(ERRORS.length)] : undefined,
              };
            });
            await report(d, steps);
            if (rand(2)) await report(d, steps.slice(0, 1 + rand(steps.length))); // a retry of part of it
          }),
        );
        // Two batches of one device at once.
        const d = fleet[round % fleet.length]!;
        await Promise.all(
          [0, 1].map((b) =>
            report(d, [{ type: 'install_succeeded', build: b + 1, at: new Date(today - (20 - round) * DAY + b * 60_000) }]),
          ),
        );
        await expectTablesMatchLedger();
      }

      // A removal asked for on My software, done by the agent's uninstall report.
      const d = fleet[0]!;
      await report(d, [{ type: 'install_succeeded', build: 2, at: new Date(today + 3 * DAY) }]);
      const removal = await requestRemoval(alice, { deviceId: d.deviceId, productSlug: 'firefox' });
      await report(d, [{ type: 'uninstalled', build: 2, at: new Date(today + 3 * DAY + 60_000) }]);
      expect((await db().query.removals.findFirst({ where: (r, { eq }) => eq(r.id, removal.id) }))!.status).not.toBe('pending');
      await expectTablesMatchLedger();

      // The view equals the replay of the ledger it replaced.
      const view = await getProductAdoption(desk, 'firefox');
      const model = await replayedView();
      for (const b of builds) {
        const shown = view.timeline.series.find((s) => s.releaseId === b.releaseId)?.values ?? Array<number>(ADOPTION_DAYS).fill(0);
        expect(shown, b.version).toEqual(model.series(b.releaseId));
        const v = view.versions.find((x) => x.releaseId === b.releaseId)!;
        expect({ failed: v.failed, succeeded: v.succeeded }, b.version).toEqual(
          model.outcomes.get(b.releaseId) ?? { failed: 0, succeeded: 0 },
        );
      }
      expect(view.topErrors).toEqual(model.topErrors);
      expect(view.topErrors.length).toBeGreaterThan(0);
      expect(view.timeline.series.some((s) => s.values.some((n, i) => i > 0 && n !== s.values[i - 1]))).toBe(true);

      // A rebuild from the ledger gives the same rows (the kept table may hold rows that netted to zero).
      const snapshot = async () => ({
        days: await db()
          .select()
          .from(adoptionDays)
          .where(sql`${adoptionDays.devicesDelta} <> 0 or ${adoptionDays.succeeded} <> 0 or ${adoptionDays.failed} <> 0`)
          .orderBy(asc(adoptionDays.productId), asc(adoptionDays.day), asc(adoptionDays.artifactId)),
        errors: await db()
          .select()
          .from(adoptionErrorDays)
          .orderBy(asc(adoptionErrorDays.productId), asc(adoptionErrorDays.day), asc(adoptionErrorDays.errorText)),
      });
      const kept = await snapshot();
      expect(kept.days.length).toBeGreaterThan(10);
      await rebuildCurrentInstalls(db());
      expect(await snapshot()).toEqual(kept);
    },
  );

  it('the check finds tables that disagree with the ledger, and a rebuild repairs them', async () => {
    const d = await enrolled('alice-adoption-check');
    await report(d, [
      { type: 'install_succeeded', build: 1, at: new Date(today - 3 * DAY) },
      { type: 'install_failed', build: 2, at: new Date(today - 2 * DAY), errorText: 'Broken pipe' },
    ]);
    await expectTablesMatchLedger();
    await db()
      .update(adoptionDays)
      .set({ devicesDelta: sql`${adoptionDays.devicesDelta} + 1` })
      .where(
        and(eq(adoptionDays.artifactId, builds[1]!.artifactId), eq(adoptionDays.day, new Date(today - 3 * DAY).toISOString().slice(0, 10))),
      );
    await db().delete(adoptionErrorDays).where(eq(adoptionErrorDays.errorText, 'Broken pipe'));
    const broken = await checkAdoptionDays(db());
    expect(broken.days).toEqual([expect.objectContaining({ productId: firefox, artifactId: builds[1]!.artifactId })]);
    expect(broken.errors).toEqual([expect.objectContaining({ productId: firefox, errorText: 'Broken pipe', table: null })]);
    await rebuildCurrentInstalls(db());
    await expectTablesMatchLedger();
  });
});
