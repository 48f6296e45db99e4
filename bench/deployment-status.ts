/**
 * Deployment status benchmark (not a test): `npm run bench:deployment`, against PostgreSQL only.
 * DATABASE_MIGRATION_URL (else DATABASE_URL) names the server; the benchmark creates a database
 * of its own there, seeds one active required deployment over 50,000 targeted devices
 * (`--devices N`) with about 2.3 install events each, plus an unrelated deployment of the same
 * size (so the ledger holds other deployments' events too), all set-based in SQL, and drops it at
 * the end (`--keep` keeps it).
 *
 * It times the product path (`getDeploymentStatus`: counts + daily chart, and the first and a later
 * page of `listDeploymentDevices`) beside the raw counts SQL sent with `pg` and PostgreSQL's own
 * execution time (EXPLAIN ANALYZE), median of 10 runs after 2 warm-ups. Target: well under a second.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Actor } from '../lib/auth/roles';
import { getDeploymentStatus, listDeploymentDevices, statusCountsSql } from '../lib/deployments/status';
import { median, withScratchPostgres } from './tools';

const RUNS = 10;
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

/** One deployment of `release` over `n` fresh devices, with a ledger of its outcomes; returns its id. */
async function seedDeployment(
  raw: pg.Client,
  w: { user: string; product: string; release: string; artifact: string },
  n: number,
  tag: string,
) {
  await raw.query(
    `insert into devices (owner_id, hostname, platform, status, last_seen_at)
     select $1, $2 || lpad(g::text, 6, '0'), 'linux-x64', 'active', now() - (g % 10) * interval '1 day'
     from generate_series(1, $3) g`,
    [w.user, `${tag}-`, n],
  );
  const target = (
    await raw.query<{ id: string }>(`insert into targets (name, rules, created_by_id) values ($1, '{}', $2) returning id`, [tag, w.user])
  ).rows[0]!.id;
  const dep = (
    await raw.query<{ id: string }>(
      `insert into deployments (name, product_id, release_id, target_id, environment, intent, status, available_from, deadline, activated_at, created_by_id)
       values ($1, $2, $3, $4, 'live', 'required', 'active', now() - interval '6 days', now() + interval '2 days', now() - interval '6 days', $5) returning id`,
      [tag, w.product, w.release, target, w.user],
    )
  ).rows[0]!.id;
  await raw.query(
    `with e as (
       insert into entitlements (user_id, device_id, product_id, release_id, deployment_id)
       select $1, d.id, $2, $3, $4 from devices d where d.hostname like $5 returning id, device_id)
     insert into deployment_assignments (deployment_id, device_id, entitlement_id, assigned_at)
     select $4, e.device_id, e.id, now() - interval '6 days' from e`,
    [w.user, w.product, w.release, dep, `${tag}-%`],
  );
  // Per device (by a stable hash): 20% nothing yet; the rest started a download on one of the
  // last 5 days, then 60% succeeded, 15% failed (a third of those succeeded on a later retry), 5% still running.
  await raw.query(
    `with d as (select id, abs(hashtext(id::text)) % 100 as h, now() - ((abs(hashtext(id::text)) % 5) + 1) * interval '1 day' as t0
                from devices where hostname like $6),
     ev as (
       select id, 'download_started'::install_event_type as type, t0 as at from d where h >= 20
       union all select id, 'download_completed', t0 + interval '1 minute' from d where h >= 25
       union all select id, 'install_succeeded', t0 + interval '2 minutes' from d where h >= 40
       union all select id, 'install_failed', t0 + interval '2 minutes' from d where h between 25 and 39
       union all select id, 'install_succeeded', t0 + interval '1 day' from d where h between 25 and 29)
     insert into install_events (type, device_id, user_id, product_id, release_id, artifact_id, sha256, deployment_id, occurred_at, error_text)
     select ev.type, ev.id, $1, $2, $3, $4, $5, $7, ev.at, case when ev.type = 'install_failed' then 'exit 1603' end from ev`,
    [w.user, w.product, w.release, w.artifact, 'a'.repeat(64), `${tag}-%`, dep],
  );
  return dep;
}

async function seed(raw: pg.Client, n: number): Promise<string> {
  const one = async (q: string, p: unknown[] = []) => (await raw.query<{ id: string }>(q, p)).rows[0]!.id;
  const user = await one(`insert into users (email, name, password_hash) values ('bench@example.com', 'Bench Owner', 'x') returning id`);
  const product = await one(
    `insert into products (slug, name, publisher, category) values ('bench-app', 'Bench App', 'Bench', 'Utilities') returning id`,
  );
  const release = await one(`insert into releases (product_id, version) values ($1, '2.0.0') returning id`, [product]);
  const artifact = await one(
    `insert into artifacts (release_id, platform, file_name, size_bytes, sha256, storage_key, block_size, block_hashes)
     values ($1, 'linux-x64', 'bench.bin', 1, $2, $3, 1048576, '') returning id`,
    [release, 'a'.repeat(64), 'a'.repeat(64)],
  );
  await raw.query(`update releases set status = 'published', published_at = now() - interval '7 days' where id = $1`, [release]);
  const w = { user, product, release, artifact };
  const dep = await seedDeployment(raw, w, n, 'bench');
  await seedDeployment(raw, w, n, 'other');
  // What autovacuum does to an append-only ledger after a load: without the visibility map the
  // index-only scan of the latest events would fetch every heap row.
  await raw.query('vacuum analyze');
  return dep;
}

async function main() {
  const n = arg('--devices', 50_000);
  await withScratchPostgres('deploy', async ({ raw }) => {
    const [seconds, dep] = await time(() => seed(raw, n));
    const { events } = (await raw.query<{ events: number }>('select count(*)::int as events from install_events')).rows[0]!;
    const version = (await raw.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    console.log(
      `Deployment status benchmark: ${n.toLocaleString('en')} targeted devices, ${events.toLocaleString('en')} install events in the ledger (seeded in ${(seconds / 1000).toFixed(1)} s), PostgreSQL ${version}\n`,
    );
    const actor: Actor = {
      id: '00000000-0000-0000-0000-000000000000',
      email: 'bench@example.com',
      name: 'Bench',
      roles: ['deployment_manager'],
    };
    const q = new PgDialect().sqlToQuery(statusCountsSql(dep));
    const cursor = (await listDeploymentDevices(actor, dep, { limit: 1000 })).next!;
    const cases: [string, () => Promise<unknown>][] = [
      ['getDeploymentStatus (counts + chart)', () => getDeploymentStatus(actor, dep)],
      ['raw counts SQL (pg)', () => raw.query(q.sql, q.params as unknown[])],
      ['device list, first page (50)', () => listDeploymentDevices(actor, dep)],
      ['device list, page after 1,000 (50)', () => listDeploymentDevices(actor, dep, { after: cursor })],
      ['device list, failed only (50)', () => listDeploymentDevices(actor, dep, { state: 'failed' })],
    ];
    const rows = [];
    for (const [label, fn] of cases) {
      for (let i = 0; i < 2; i++) await fn();
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push((await time(fn))[0]);
      rows.push({ case: label, 'median ms': ms(median(runs)), 'max ms': ms(Math.max(...runs)) });
    }
    const exec: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await raw.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`,
        q.params as unknown[],
      );
      exec.push(r.rows[0]!['QUERY PLAN'][0]['Execution Time']);
    }
    rows.push({
      case: 'counts SQL, PostgreSQL execution (EXPLAIN ANALYZE)',
      'median ms': ms(median(exec)),
      'max ms': ms(Math.max(...exec)),
    });
    console.table(rows);
    const status = await getDeploymentStatus(actor, dep);
    console.log('counts:', status.counts);
    console.log(`\nThe counts SQL:\n${q.sql}`);
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `Error: ${e.message}` : e);
  process.exit(1);
});
