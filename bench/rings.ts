/**
 * Phase gate benchmark (not a test): `npm run bench:rings`, against PostgreSQL only (skipped by
 * `npm run bench` when DATABASE_URL is unset, with --if-configured). It creates a database of its
 * own, seeds 100 active phased deployments over 50,000 devices (`--devices N`; 500 devices each,
 * phase 1 started, phase 2 waiting for its gate) with outcomes for most devices, all set-based in
 * SQL, and drops the database at the end.
 *
 * It times one scheduler tick's gate evaluation (`evaluateGates`: every started phase of every
 * active deployment counted in one statement, nothing due so nothing written) beside the same
 * counting SQL sent raw with `pg`, median of 10 runs after 2 warm-ups.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { countPhasesSql } from '../lib/rings/counts';
import { evaluateGates } from '../lib/rings/gates';
import { median, withScratchPostgres } from './tools';

const RUNS = 10;
const DEPLOYMENTS = 100;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function seed(raw: pg.Client, n: number) {
  const one = async (q: string, p: unknown[] = []) => (await raw.query<{ id: string }>(q, p)).rows[0]!.id;
  const user = await one(`insert into users (email, name, password_hash) values ('bench@example.com', 'Bench Owner', 'x') returning id`);
  const product = await one(
    `insert into products (slug, name, publisher, category) values ('bench-rings', 'Bench Rings', 'Bench', 'Utilities') returning id`,
  );
  const release = await one(`insert into releases (product_id, version) values ($1, '1.0.0') returning id`, [product]);
  const artifact = await one(
    `insert into artifacts (release_id, platform, file_name, size_bytes, sha256, storage_key, block_size, block_hashes)
     values ($1, 'linux-x64', 'bench.bin', 1, $2, $3, 1048576, '') returning id`,
    [release, 'a'.repeat(64), 'a'.repeat(64)],
  );
  await raw.query(`update releases set status = 'published', published_at = now() - interval '7 days' where id = $1`, [release]);
  await raw.query(
    `insert into devices (owner_id, hostname, platform, status) select $1, 'ring-' || lpad(g::text, 6, '0'), 'linux-x64', 'active' from generate_series(1, $2) g`,
    [user, n],
  );
  const target = await one(`insert into targets (name, rules, created_by_id) values ('bench', '{}', $1) returning id`, [user]);
  await raw.query(
    `insert into deployments (name, product_id, release_id, target_id, environment, intent, status, available_from, activated_at, created_by_id)
     select 'rings ' || g, $1, $2, $3, 'live', 'required', 'active', now() - interval '2 days', now() - interval '2 days', $4 from generate_series(1, $5) g`,
    [product, release, target, user, DEPLOYMENTS],
  );
  await raw.query(`insert into deployment_phases (deployment_id, position, name, percent, gate_percent, started_at)
     select id, 1, 'Pilot', 100, 90, now() - interval '2 days' from deployments`);
  await raw.query(`insert into deployment_phases (deployment_id, position, name, percent, gate_percent, wait_minutes)
     select id, 2, 'Rest', 100, 90, 60 from deployments`);
  // Each device in one deployment (its row number decides which), as phase 1.
  await raw.query(`with d as (select id, row_number() over (order by id) as r from deployments),
       v as (select id, row_number() over (order by id) as r from devices)
     insert into deployment_assignments (deployment_id, device_id, phase_position, assigned_at)
     select d.id, v.id, 1, now() - interval '2 days' from v join d on d.r = (v.r % ${DEPLOYMENTS}) + 1`);
  // 60 % succeeded, 5 % failed, the rest not yet: no gate met (90 %), no halt (20 %).
  await raw.query(
    `with a as (select deployment_id, device_id, abs(hashtext(device_id::text)) % 100 as h from deployment_assignments)
     insert into install_events (type, device_id, user_id, product_id, release_id, artifact_id, sha256, deployment_id, occurred_at, error_text)
     select case when h < 60 then 'install_succeeded' else 'install_failed' end::install_event_type, device_id, $1, $2, $3, $4, $5, deployment_id,
       now() - interval '1 day', case when h >= 60 then 'exit 1603' end
     from a where h < 65`,
    [user, product, release, artifact, 'a'.repeat(64)],
  );
  await raw.query('vacuum analyze');
}

async function main() {
  const n = arg('--devices', 50_000);
  await withScratchPostgres('rings', async ({ raw }) => {
    const seeded = await time(() => seed(raw, n));
    console.log(
      `Phase gate benchmark: ${DEPLOYMENTS} active phased deployments over ${n.toLocaleString('en')} devices (seeded in ${(seeded / 1000).toFixed(1)} s)\n`,
    );
    const q = new PgDialect().sqlToQuery(countPhasesSql(new Date()));
    const cases: [string, () => Promise<unknown>][] = [
      [
        'evaluateGates (one scheduler tick)',
        async () => {
          const run = await evaluateGates(new Date());
          if (run.halted.length || run.gatesMet.length || run.started.length) throw new Error('the bench data should leave nothing due');
        },
      ],
      ['raw gate counting SQL (pg)', () => raw.query(q.sql, q.params as unknown[])],
    ];
    for (const [label, fn] of cases) {
      for (let i = 0; i < 2; i++) await fn();
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await time(fn));
      console.log(
        `${label.padEnd(40)} median ${median(runs).toFixed(1)} ms (min ${Math.min(...runs).toFixed(1)}, max ${Math.max(...runs).toFixed(1)})`,
      );
    }
  });
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
