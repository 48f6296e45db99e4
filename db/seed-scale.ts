/**
 * Fills a demo-seeded database with a fleet's worth of install history, for the service desk's
 * pages and `npm run bench:desk`: `npm run db:seed:scale -- --devices 50000 --events 1000000`
 * (defaults; also SCALE_DEVICES, SCALE_USERS, SCALE_EVENTS, SCALE_DAYS). It adds generated users
 * (…@scale.example.net, who cannot sign in), their devices, fulfilled service requests and the
 * install events, inserted in batches through `unnest` (one statement per 10,000 rows).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { eq, inArray, like, sql } from 'drizzle-orm';
import { hashPassword } from '../lib/auth/password';
import { rebuildCurrentInstalls } from '../lib/installs/current-table';
import { createDb, type Db } from './index';
import { runIfMain } from './run-script';
import * as s from './schema';
import { firstNames, hostnameFor, lastNames, platformShare, prng } from './seed-scale-data';
import { generateHistory, type Catalogue } from './seed-scale-history';

export interface ScaleOptions {
  devices: number;
  users: number;
  events: number;
  days: number;
  seed: number;
}

export const SCALE_DOMAIN = 'scale.example.net';
const BATCH = 10_000;
const DAY = 86_400_000;

/** `values` as one array parameter, so a batch is one statement with a fixed number of parameters. */
const arr = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;

async function insertColumns(db: Db, table: string, columns: [name: string, type: string, values: unknown[]][]): Promise<void> {
  const n = columns[0]![2].length;
  const names = sql.raw(columns.map(([c]) => `"${c}"`).join(', '));
  const chunk = async (at: number) => {
    const lists = columns.map(([, type, values]) => arr(values.slice(at, at + BATCH), type));
    await db.execute(sql`insert into ${sql.identifier(table)} (${names}) select * from unnest(${sql.join(lists, sql`, `)})`);
  };
  // Two statements at a time: on two cores PostgreSQL keeps both busy.
  for (let at = 0; at < n; at += 2 * BATCH) await Promise.all([chunk(at), ...(at + BATCH < n ? [chunk(at + BATCH)] : [])]);
}

async function loadCatalogue(db: Db): Promise<Catalogue> {
  const rows = await db
    .select({ artifact: s.artifacts, release: s.releases, slug: s.products.slug })
    .from(s.artifacts)
    .innerJoin(s.releases, eq(s.releases.id, s.artifacts.releaseId))
    .innerJoin(s.products, eq(s.products.id, s.releases.productId))
    .where(inArray(s.releases.status, ['published', 'deprecated', 'withdrawn']));
  return rows.map(({ artifact: a, release: r, slug }) => ({
    id: a.id,
    releaseId: r.id,
    productId: r.productId,
    slug,
    platform: a.platform,
    sha256: a.sha256,
    size: a.sizeBytes,
    publishedAt: r.publishedAt!.getTime(),
    withdrawnAt: r.withdrawnAt?.getTime() ?? null,
  }));
}

export async function seedScale(db: Db, o: ScaleOptions, log: (line: string) => void = console.log) {
  const started = Date.now();
  const since = (t = started) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
  const admin = await db.query.users.findFirst({ where: eq(s.users.email, 'admin@example.com') });
  const catalogue = admin ? await loadCatalogue(db) : [];
  if (!admin || catalogue.length === 0) throw new Error('This database has no demo seed: run `npm run db:setup` first.');
  if ((await db.$count(s.users, like(s.users.email, `%@${SCALE_DOMAIN}`))) > 0) {
    throw new Error('This database already holds a scale seed; start from a fresh one (npm run db:setup on an empty database).');
  }
  const rng = prng(o.seed);
  const now = Date.now();

  let t = Date.now();
  // One real hash of a secret nobody keeps: the accounts exist, but nobody can sign in as them.
  const passwordHash = await hashPassword(randomBytes(24).toString('base64'));
  const userIds = Array.from({ length: o.users }, () => randomUUID());
  const names = userIds.map(() => `${rng.pick(firstNames)} ${rng.pick(lastNames)}`);
  const emails = names.map(
    (n, i) =>
      `${n
        .normalize('NFD')
        .replace(/[^A-Za-z ]/g, '')
        .toLowerCase()
        .replace(' ', '.')}.${i}@${SCALE_DOMAIN}`,
  );
  await insertColumns(db, 'users', [
    ['id', 'uuid', userIds],
    ['email', 'text', emails],
    ['name', 'text', names],
    ['password_hash', 'text', userIds.map(() => passwordHash)],
  ]);
  log(`users     ${o.users.toLocaleString('en')} in ${since(t)}`);

  t = Date.now();
  const shares = platformShare.map(([, w]) => w);
  const devices = Array.from({ length: o.devices }, (_, i) => {
    // Everyone has a device; some people have several (a laptop, a build box, a test VM).
    const owner = i < o.users ? i : Math.floor(rng.next() ** 2 * o.users);
    const platform = platformShare[rng.weighted(shares)]![0];
    const status = rng.chance(0.93) ? 'active' : rng.chance(0.6) ? 'retired' : 'revoked';
    const lastSeen = status === 'active' ? now - rng.next() * 3 * DAY : now - rng.int(20, o.days) * DAY;
    return {
      id: randomUUID(),
      owner,
      platform,
      hostname: hostnameFor(rng, platform, names[owner]!, i + 1),
      serial: randomBytes(5).toString('hex').toUpperCase(),
      status,
      lastSeen,
      enrolled: now - rng.int(o.days, o.days + 365) * DAY,
    };
  });
  await insertColumns(db, 'devices', [
    ['id', 'uuid', devices.map((d) => d.id)],
    ['owner_id', 'uuid', devices.map((d) => userIds[d.owner])],
    ['hostname', 'text', devices.map((d) => d.hostname)],
    ['platform', 'platform', devices.map((d) => d.platform)],
    ['serial', 'text', devices.map((d) => d.serial)],
    ['status', 'device_status', devices.map((d) => d.status)],
    ['agent_version', 'text', devices.map(() => '1.4.2')],
    ['last_seen_at', 'timestamptz', devices.map((d) => new Date(d.lastSeen).toISOString())],
    ['created_at', 'timestamptz', devices.map((d) => new Date(d.enrolled).toISOString())],
  ]);
  log(`devices   ${o.devices.toLocaleString('en')} in ${since(t)}`);

  t = Date.now();
  const approvers = await db
    .select({ id: s.users.id })
    .from(s.users)
    .where(sql`'approver' = any(${s.users.roles})`);
  const h = generateHistory(
    rng,
    { ...o, now },
    catalogue,
    devices,
    approvers.map((a) => a.id),
  );
  log(`generated ${h.events.count.toLocaleString('en')} events and ${h.requests.id.length.toLocaleString('en')} requests in ${since(t)}`);

  t = Date.now();
  await insertColumns(db, 'service_requests', [
    ['id', 'uuid', h.requests.id],
    ['requester_id', 'uuid', h.requests.device.map((d) => userIds[devices[d]!.owner])],
    ['product_id', 'uuid', h.requests.artifact.map((a) => catalogue[a]!.productId)],
    ['release_id', 'uuid', h.requests.artifact.map((a) => catalogue[a]!.releaseId)],
    ['device_id', 'uuid', h.requests.device.map((d) => devices[d]!.id)],
    ['justification', 'text', h.requests.justification],
    ['status', 'request_status', h.requests.id.map(() => 'fulfilled')],
    ['created_at', 'timestamptz', h.requests.at.map((a) => new Date(a).toISOString())],
    ['updated_at', 'timestamptz', h.requests.at.map((a) => new Date(a).toISOString())],
  ]);
  log(`requests  ${h.requests.id.length.toLocaleString('en')} in ${since(t)}`);

  t = Date.now();
  let done = 0;
  let reported = 0;
  // Two batches in flight: while PostgreSQL writes one, this process builds the next.
  const inFlight = new Set<Promise<void>>();
  const batches = h.eventBatches(
    BATCH,
    (d) => userIds[devices[d]!.owner]!,
    (d) => devices[d]!.id,
  );
  for (const batch of batches) {
    const insert: Promise<void> = insertColumns(db, 'install_events', batch).then(() => {
      inFlight.delete(insert);
      done += batch[0]![2].length;
      if (Math.floor((done / h.events.count) * 10) > reported || done === h.events.count) {
        reported = Math.floor((done / h.events.count) * 10);
        log(
          `events    ${done.toLocaleString('en')} / ${h.events.count.toLocaleString('en')} (${Math.round((done / h.events.count) * 100)} %) · ${since(t)}`,
        );
      }
    });
    inFlight.add(insert);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  t = Date.now();
  // The bulk insert bypasses recordInstallEvents, so the current-state table is rebuilt from the ledger.
  const current = await rebuildCurrentInstalls(db);
  log(`current installs ${current.toLocaleString('en')} rows in ${since(t)}`);

  t = Date.now();
  // Fresh statistics, so the planner sees the fleet rather than the demo's handful of rows.
  await db.execute(sql`vacuum analyze install_events, device_current_installs, service_requests, devices, users`);
  log(`analyzed in ${since(t)} · total ${since()}`);
  return {
    users: o.users,
    devices: o.devices,
    requests: h.requests.id.length,
    events: h.events.count,
    seconds: (Date.now() - started) / 1000,
  };
}

export function scaleOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ScaleOptions {
  const flag = (name: string, envName: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const raw = i >= 0 ? argv[i + 1] : env[envName];
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, not ${raw}`);
    return n;
  };
  const devices = flag('devices', 'SCALE_DEVICES', 50_000);
  return {
    devices,
    users: flag('users', 'SCALE_USERS', Math.max(1, Math.round(devices / 5))),
    events: flag('events', 'SCALE_EVENTS', 1_000_000),
    days: flag('days', 'SCALE_DAYS', 180),
    seed: flag('seed', 'SCALE_SEED', 42),
  };
}

runIfMain(import.meta.url, async () => {
  const options = scaleOptions(process.argv.slice(2));
  const handle = createDb();
  try {
    console.log(`Scale seed (${handle.kind}): ${JSON.stringify(options)}`);
    const r = await seedScale(handle.db, options);
    console.log(
      `Done: ${r.events.toLocaleString('en')} install events on ${r.devices.toLocaleString('en')} devices in ${r.seconds.toFixed(1)} s.`,
    );
  } finally {
    await handle.close();
  }
});
