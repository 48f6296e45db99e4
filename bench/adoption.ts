/**
 * Adoption view benchmark (not a test): `npm run bench:adoption`, against PostgreSQL only (skipped
 * by `npm run bench` when DATABASE_URL is unset, with --if-configured). It creates a database of
 * its own with one product (4 releases, one artifact each) on 5,000 devices (`--devices N`) and
 * grows the install ledger through each size of `--events` (default 100000,1000000): installs,
 * failures, uninstalls and downloads spread over the last year, set-based in SQL, then the derived
 * tables rebuilt from the ledger as the scale seeder does. The fleet and the year stay the same,
 * so only the number of events grows.
 *
 * At each size it times getProductAdoption (median of 10 after 2 warm-ups) beside its baseline,
 * the same statements sent raw with `pg` one after another, and, for reference, the product's
 * ledger scan the view replayed before adoption_days existed (median of 3). Then it prints the
 * ratio between the sizes. About 3 minutes at the default sizes on 2 idle cores, most of it
 * inserting the million events.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Actor } from '../lib/auth/roles';
import { adoptionReads, adoptionWindow, getProductAdoption } from '../lib/installs/adoption';
import { rebuildCurrentInstalls } from '../lib/installs/current-table';
import { median, withScratchPostgres } from './tools';

const RUNS = 10;
const SLUG = 'bench-adoption';
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function medianOf(fn: () => Promise<unknown>, runs = RUNS, warmUps = 2): Promise<number> {
  for (let i = 0; i < warmUps; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await time(fn));
  return median(times);
}

/** One user, the product, its 4 published releases with a linux-x64 artifact each, and the devices. */
async function seedWorld(raw: pg.Client, devices: number): Promise<{ user: string; product: string }> {
  const one = async (q: string, p: unknown[] = []) => (await raw.query<{ id: string }>(q, p)).rows[0]!.id;
  const user = await one(`insert into users (email, name, password_hash) values ('bench@example.com', 'Bench Owner', 'x') returning id`);
  const product = await one(
    `insert into products (slug, name, publisher, category) values ($1, 'Bench Adoption', 'Bench', 'Utilities') returning id`,
    [SLUG],
  );
  for (let v = 1; v <= 4; v++) {
    const release = await one(`insert into releases (product_id, version) values ($1, $2) returning id`, [product, `${v}.0.0`]);
    await raw.query(
      `insert into artifacts (release_id, platform, file_name, size_bytes, sha256, storage_key, block_size, block_hashes)
       values ($1, 'linux-x64', 'bench.bin', 1, $2, $3, 1048576, '')`,
      [release, String(v).repeat(64), String(v).repeat(64)],
    );
    // Published once it has its artifact (a published release's files are fixed).
    await raw.query(`update releases set status = 'published', published_at = now() - $2 * interval '91 days' where id = $1`, [
      release,
      5 - v,
    ]);
  }
  await raw.query(
    `insert into devices (owner_id, hostname, platform, status) select $1, 'adopt-' || lpad(g::text, 6, '0'), 'linux-x64', 'active' from generate_series(1, $2) g`,
    [user, devices],
  );
  return { user, product };
}

/**
 * `n` more events over the last 365 days: 60 % installs, 15 % failures (5 error texts), 10 %
 * uninstalls, 15 % downloads; the version follows the quarter the event falls in, one in five
 * lagging a version behind.
 */
async function addEvents(raw: pg.Client, w: { user: string; product: string }, n: number): Promise<void> {
  await raw.query(
    `with d as (select array_agg(id order by hostname) as ids from devices),
          r as (select array_agg(r.id order by r.version) as rel, array_agg(a.id order by r.version) as art, array_agg(a.sha256 order by r.version) as sha
                from releases r join artifacts a on a.release_id = r.id where r.product_id = $2),
          g as (select g, random() * 365 as age, random() as x, random() as y from generate_series(1, $3) g)
     insert into install_events (type, device_id, user_id, product_id, release_id, artifact_id, sha256, occurred_at, error_text)
     select (case when x < 0.6 then 'install_succeeded' when x < 0.75 then 'install_failed' when x < 0.85 then 'uninstalled'
                  else 'download_completed' end)::install_event_type,
            d.ids[1 + (g::bigint * 7919) % array_length(d.ids, 1)], $1, $2, r.rel[k], r.art[k], r.sha[k], now() - age * interval '1 day',
            case when x >= 0.6 and x < 0.75 then (array['exit 1603', 'Access is denied.', 'No space left on device', 'timed out', 'signature mismatch'])[1 + g % 5] end
     from g, d, r, lateral (select greatest(1, least(4, 1 + floor((365 - age) / 91.25)::int - (y < 0.2)::int)) as k) v`,
    [w.user, w.product, n],
  );
}

async function main() {
  const sizes = arg('--events', '100000,1000000').split(',').map(Number);
  const devices = Number(arg('--devices', '5000'));
  await withScratchPostgres('adoption', async ({ handle, raw }) => {
    const world = await seedWorld(raw, devices);
    const version = (await raw.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    console.log(`Adoption view benchmark: one product, 4 releases, ${devices.toLocaleString('en')} devices, PostgreSQL ${version}\n`);
    const actor: Actor = { id: world.user, email: 'bench@example.com', name: 'Bench', roles: ['service_desk'] };
    const dialect = new PgDialect();
    const reads = Object.values(adoptionReads(handle.db, world.product, adoptionWindow(new Date()).days)).map((q) =>
      dialect.sqlToQuery(q.getSQL()),
    );
    const replayScan = `select device_id, release_id, type, occurred_at from install_events
      where product_id = $1 and type in ('install_succeeded', 'uninstalled') order by occurred_at, id`;

    const rows: Record<string, string | number>[] = [];
    let loaded = 0;
    for (const size of sizes) {
      const seconds = await time(async () => {
        await addEvents(raw, world, size - loaded);
        await rebuildCurrentInstalls(handle.db);
        await raw.query('vacuum analyze');
      });
      loaded = size;
      const { n } = (await raw.query<{ n: number }>('select count(*)::int as n from adoption_days')).rows[0]!;
      const view = await medianOf(() => getProductAdoption(actor, SLUG));
      const sql = await medianOf(async () => {
        for (const q of reads) await raw.query(q.sql, q.params as unknown[]);
      });
      // Seconds at 1M events, and only a reference: 3 runs.
      const scan = await medianOf(() => raw.query(replayScan, [world.product]), 3, 1);
      rows.push({
        events: size.toLocaleString('en'),
        'loaded in s': (seconds / 1000).toFixed(1),
        'adoption_days rows': n,
        'getProductAdoption ms': ms(view),
        'raw SQL of the view ms': ms(sql),
        ratio: (view / sql).toFixed(2),
        'old replay ledger scan ms': ms(scan),
      });
    }
    console.table(rows);
    if (rows.length > 1) {
      const [small, large] = [rows[0]!, rows.at(-1)!];
      console.log(
        `getProductAdoption at ${large.events} events vs ${small.events}: ${(Number(large['getProductAdoption ms']) / Number(small['getProductAdoption ms'])).toFixed(2)}× ` +
          `(target: independent of event count, about 1×); the old ledger scan alone: ${(Number(large['old replay ledger scan ms']) / Number(small['old replay ledger scan ms'])).toFixed(1)}×`,
      );
    }
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `Error: ${e.message}` : e);
  process.exit(1);
});
