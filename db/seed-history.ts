import { and, eq, inArray, like } from 'drizzle-orm';
import { recordInstallEvents } from '../lib/installs/record';
import type { ReportsInput } from '../lib/devices/schema';
import { withDb, type Db } from './index';
import * as s from './schema';
import { failures } from './seed-scale-data';

/*
 * About four weeks of installs on the demo devices, so a fresh install's service desk, device
 * pages and adoption figures have something to show: upgrades, a device left one version behind,
 * failures (some retried, some not) and an uninstall. Requests and entitlements are written here,
 * backdated; the events go through the ledger's own write path (recordInstallEvents), which
 * checks them against the entitlements, keeps device_current_installs and fulfils the requests.
 */

type Step =
  | { version: string; daysAgo: number; outcome: 'installed' }
  | { version: string; daysAgo: number; outcome: 'failed'; failure: string }
  | { version: string; daysAgo: number; outcome: 'uninstalled' };

interface Story {
  host: string;
  slug: string;
  steps: Step[];
  /** Reported against this seeded deployment (its entitlement) instead of a request. */
  deployment?: string;
}

const ok = (version: string, daysAgo: number): Step => ({ version, daysAgo, outcome: 'installed' });
const failed = (version: string, daysAgo: number, failure: string): Step => ({ version, daysAgo, outcome: 'failed', failure });
const removed = (version: string, daysAgo: number): Step => ({ version, daysAgo, outcome: 'uninstalled' });

// Products no test asks for on these devices, so the stories do not collide with test requests.
const TEAMS_OLD = '25153.1010.3727.5483';
const TEAMS = '25182.1106.3775.9020';
const ACROBAT_OLD = '25.001.20531';
const ACROBAT = '25.001.20566';

export const seedStories: Story[] = [
  { host: 'ALICE-LT-4411', slug: 'microsoft-teams', steps: [ok(TEAMS_OLD, 26), ok(TEAMS, 12)] },
  { host: 'ALICE-LT-4411', slug: 'adobe-acrobat-reader', steps: [ok(ACROBAT_OLD, 24)] },
  { host: 'ALICE-LT-4411', slug: 'zoom-workplace', steps: [failed('6.5.7', 20.2, 'MSI error 1618'), ok('6.5.7', 20)] },
  { host: 'ALICE-LT-4411', slug: 'libreoffice', steps: [failed('25.2.5', 3, 'MSI error 1603')] },
  { host: 'ALICE-LT-4411', slug: '1password', steps: [ok('8.11.4', 15)] },
  { host: 'alice-mbp', slug: 'microsoft-teams', steps: [failed(TEAMS, 2, 'pkg signature check failed')] },
  { host: 'alice-mbp', slug: 'signal-desktop', steps: [ok('7.64.0', 10), removed('7.64.0', 4)] },
  { host: 'alice-mbp', slug: 'zoom-workplace', steps: [ok('6.5.7', 18)] },
  { host: 'bob-studio', slug: 'adobe-acrobat-reader', steps: [ok(ACROBAT, 9)] },
  { host: 'bob-studio', slug: 'zoom-workplace', steps: [ok('6.5.7', 21)] },
  { host: 'bob-studio', slug: 'libreoffice', steps: [ok('25.2.4', 27)] },
  { host: 'bob-studio', slug: '1password', steps: [failed('8.11.4', 6.1, 'Not enough disk space'), ok('8.11.4', 5)] },
  { host: 'FIN-LT-0192', slug: 'microsoft-teams', steps: [ok(TEAMS_OLD, 28)] },
  { host: 'FIN-LT-0192', slug: 'adobe-acrobat-reader', steps: [failed(ACROBAT_OLD, 25.1, 'A restart is pending'), ok(ACROBAT_OLD, 24.9)] },
  { host: 'FIN-LT-0192', slug: 'zoom-workplace', steps: [ok('6.5.7', 14)] },
  { host: 'maria-xps', slug: 'libreoffice', steps: [ok('25.2.5', 18)] },
  { host: 'maria-xps', slug: 'zoom-workplace', steps: [failed('6.5.7', 16, 'dpkg: error processing archive')] },
  { host: 'sec-ws-01', slug: '1password', steps: [ok('8.11.4', 17)] },
  { host: 'sec-ws-01', slug: 'signal-desktop', steps: [failed('7.64.0', 8.2, 'tar: Unexpected EOF'), ok('7.64.0', 8)] },
  { host: 'DESK-WS-12', slug: 'zoom-workplace', steps: [ok('6.5.7', 19)] },
  { host: 'DESK-WS-12', slug: 'adobe-acrobat-reader', steps: [ok(ACROBAT, 7)] },
  { host: 'DESK-WS-12', slug: 'microsoft-teams', steps: [ok(TEAMS_OLD, 27)] },
  { host: 'WIN-TEST-07', slug: 'microsoft-teams', steps: [ok(TEAMS, 11)] },
  { host: 'WIN-TEST-07', slug: 'zoom-workplace', steps: [failed('6.5.7', 9, 'Timed out after 900 s')] },
  { host: 'WIN-STG-03', slug: 'adobe-acrobat-reader', steps: [failed(ACROBAT, 6.2, 'Access is denied'), ok(ACROBAT, 6)] },
  { host: 'srv-test-01', slug: 'vlc-media-player', deployment: 'VLC 3.0.21 on test servers', steps: [ok('3.0.21', 1.5)] },
  // One of the two still failing keeps the demo's deployment active (all succeeded would complete it).
  {
    host: 'srv-test-02',
    slug: 'vlc-media-player',
    deployment: 'VLC 3.0.21 on test servers',
    steps: [failed('3.0.21', 1.2, 'dpkg: error processing archive')],
  },
];

const justification: Record<string, string> = {
  'microsoft-teams': 'Team meetings and chat.',
  'adobe-acrobat-reader': 'Needed to open and sign PDFs customers send us.',
  'zoom-workplace': 'Customer calls are on Zoom.',
  libreoffice: 'Opening spreadsheets from suppliers.',
  '1password': 'Required by the onboarding checklist.',
  'signal-desktop': 'Trying it for the on-call rota.',
};

const AGENT = '1.4.2';
const DAY = 86_400_000;
const MIN = 60_000;
const keyOf = (story: Story, i: number, event: string) => `seed-history:${story.host}:${story.slug}:${i}:${event}`;

/** The failure of ./seed-scale-data.ts whose text starts like this. */
function failure(start: string) {
  const f = failures.find((x) => x.text.startsWith(start));
  if (!f) throw new Error(`No seeded failure starts with "${start}"`);
  return f;
}

/** Seeds the install history; running it again adds nothing (stories already told are skipped). */
export async function seedInstallHistory(db: Db): Promise<void> {
  const told = new Set(
    (
      await db
        .select({ key: s.installEvents.idempotencyKey })
        .from(s.installEvents)
        .where(like(s.installEvents.idempotencyKey, 'seed-history:%:0:download_started'))
    ).map((r) => r.key),
  );
  const untold = seedStories.filter((st) => !told.has(keyOf(st, 0, 'download_started')));
  if (untold.length === 0) return;

  const devices = await db
    .select()
    .from(s.devices)
    .where(
      inArray(
        s.devices.hostname,
        untold.map((st) => st.host),
      ),
    );
  const deviceOf = new Map(devices.map((d) => [d.hostname, d]));
  const builds = await db
    .select({
      slug: s.products.slug,
      productId: s.products.id,
      version: s.releases.version,
      releaseId: s.releases.id,
      artifact: s.artifacts,
    })
    .from(s.artifacts)
    .innerJoin(s.releases, eq(s.releases.id, s.artifacts.releaseId))
    .innerJoin(s.products, eq(s.products.id, s.releases.productId))
    .where(
      inArray(
        s.products.slug,
        untold.map((st) => st.slug),
      ),
    );
  const build = (slug: string, version: string, platform: s.Platform) => {
    const b = builds.find((x) => x.slug === slug && x.version === version && x.artifact.platform === platform);
    if (!b) throw new Error(`The seed has no ${slug} ${version} for ${platform}`);
    return b;
  };
  const now = Date.now();

  const byDevice = new Map<string, { device: { id: string; ownerId: string }; events: ReportsInput['events'] }>();
  for (const story of untold) {
    const found = deviceOf.get(story.host);
    if (!found?.ownerId) throw new Error(`The seed has no device ${story.host} with an owner`);
    const device = { ...found, ownerId: found.ownerId };
    const first = build(story.slug, story.steps[0]!.version, device.platform);
    if (!story.deployment) await ensureRequest(db, story, device, first.productId, first.releaseId, now);
    const events = byDevice.get(device.id)?.events ?? [];
    byDevice.set(device.id, { device, events });
    const deploymentId = story.deployment
      ? (await db.query.deployments.findFirst({ where: eq(s.deployments.name, story.deployment) }))?.id
      : undefined;
    story.steps.forEach((step, i) => {
      const { artifact } = build(story.slug, step.version, device.platform);
      const at = now - step.daysAgo * DAY;
      const base = { artifactId: artifact.id, deploymentId, agentVersion: AGENT };
      const event = (type: s.InstallEventType, offset: number, extra: object = {}) =>
        events.push({ ...base, ...extra, type, idempotencyKey: keyOf(story, i, type), occurredAt: new Date(at + offset).toISOString() });
      if (step.outcome === 'uninstalled') return event('uninstalled', 0);
      event('download_started', 0);
      event('download_completed', 2 * MIN, { bytes: artifact.sizeBytes });
      if (step.outcome === 'installed') return event('install_succeeded', 4 * MIN, { exitCode: 0 });
      const f = failure(step.failure);
      event('install_failed', 4 * MIN, { errorText: f.text, exitCode: f.exitCode ?? undefined });
    });
  }
  // As an agent would: one report per device, in the order things happened.
  await withDb(db, async () => {
    for (const { device, events } of byDevice.values()) {
      events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      await recordInstallEvents({ deviceId: device.id, ownerId: device.ownerId }, events);
    }
  });
}

/**
 * The owner's request for the story's product, approved automatically (these products have no
 * approval policy) a little before the first pull, with its entitlement to this and later releases.
 * An entitlement left from an interrupted earlier run is reused.
 */
async function ensureRequest(
  db: Db,
  story: Story,
  device: s.Device & { ownerId: string },
  productId: string,
  releaseId: string,
  now: number,
) {
  const held = await db.query.entitlements.findFirst({
    where: and(eq(s.entitlements.userId, device.ownerId), eq(s.entitlements.deviceId, device.id), eq(s.entitlements.productId, productId)),
  });
  if (held) return;
  const askedAt = new Date(now - story.steps[0]!.daysAgo * DAY - 40 * MIN);
  await db.transaction(async (tx) => {
    const [request] = await tx
      .insert(s.serviceRequests)
      .values({
        requesterId: device.ownerId,
        productId,
        deviceId: device.id,
        justification: justification[story.slug] ?? 'Needed for my work.',
        status: 'approved',
        createdAt: askedAt,
        updatedAt: askedAt,
      })
      .returning({ id: s.serviceRequests.id });
    await tx.insert(s.entitlements).values({
      userId: device.ownerId,
      deviceId: device.id,
      productId,
      releaseId,
      includesLaterReleases: true,
      requestId: request!.id,
      createdAt: askedAt,
    });
  });
}
