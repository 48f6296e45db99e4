/**
 * Device API benchmark (not a test): `npm run bench:api`, against PostgreSQL only (DATABASE_URL;
 * with `--if-configured` it exits quietly without one, as part of `npm run bench`).
 *
 * In a database of its own on that server (created, migrated, demo-seeded and dropped again) it
 * enrols 2,000 devices with 3 "any release" entitlements each, then drives check-in and "what
 * should I pull" with 64 keep-alive connections, each request for a random device:
 * - through the product path: `next build` into a folder of its own (as playwright.config.ts
 *   does), then `next start` on a free port, production mode;
 * - through bench/bare-device-server.ts: `node:http` + `pg` running the same SQL.
 * It prints req/s, p50 and p99 for both, the ratio, and each server's peak RSS.
 * Options: --seconds N (per measurement, default 10), --reuse-build (skip `next build` when the
 * folder exists), --devices N (default 2000), --connections N (default 64).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { scratchDatabaseOrExit } from './tools';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 10);
const DEVICES = arg('devices', 2000);
const CONNECTIONS = arg('connections', 64);
const DIST = '.next-bench-api';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A fresh database with the demo seed and a fleet of enrolled devices; returns their tokens. */
async function prepare(url: string): Promise<string[]> {
  const { createDb } = await import('../db');
  const { runMigrations } = await import('../db/migrate');
  const { seed } = await import('../db/seed');
  const { LocalStorage } = await import('../lib/dml/local-storage');
  const handle = createDb({ kind: 'postgres', url });
  const store = await mkdtemp(path.join(os.tmpdir(), 'bench-api-dml-'));
  try {
    await runMigrations(handle);
    await seed(handle.db, new LocalStorage(store));
  } finally {
    await handle.close();
    await rm(store, { recursive: true, force: true });
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const owners = (await client.query<{ id: string }>(`select id from users where active order by email`)).rows.map((r) => r.id);
    // Products with a Linux build of a published release: what the fleet is entitled to.
    const linux = (
      await client.query<{ id: string }>(`
        select distinct r.product_id as id from releases r join artifacts a on a.release_id = r.id
        where r.status = 'published' and a.platform = 'linux-x64' order by 1 limit 3`)
    ).rows.map((r) => r.id);
    const tokens: string[] = [];
    const rows: unknown[][] = [];
    for (let i = 0; i < DEVICES; i++) {
      const token = `pdt_${randomBytes(32).toString('base64url')}`;
      tokens.push(token);
      rows.push([randomUUID(), owners[i % owners.length], `bench-${i}`, createHash('sha256').update(token).digest('hex')]);
    }
    await client.query(
      `insert into devices (id, owner_id, hostname, platform, status, token_hash, agent_version)
       select id, owner_id, hostname, 'linux-x64', 'active', token_hash, '1.0.0'
       from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as t(id, owner_id, hostname, token_hash)`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
    );
    await client.query(
      `insert into entitlements (user_id, device_id, product_id, includes_later_releases)
       select d.owner_id, d.id, p, true from devices d cross join unnest($1::uuid[]) as p where d.hostname like 'bench-%'`,
      [linux],
    );
    await client.query('vacuum analyze');
    return tokens;
  } finally {
    await client.end();
  }
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (code !== null && code !== 0) console.error(`${command} ${args.join(' ')} exited with ${code ?? signal}`);
  });
  return child;
}

async function waitFor(port: number, pathName: string, seconds = 120): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: pathName }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Nothing answered on port ${port} within ${seconds} s`);
}

const peakRssMiB = (pid: number | undefined) => {
  try {
    const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round(kib / 1024);
  } catch {
    return NaN;
  }
};

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** CONNECTIONS loops, each sending the next request as soon as the previous answer is read. */
async function load(port: number, call: 'check-in' | 'pulls', tokens: string[], seconds: number): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const body = JSON.stringify({ agentVersion: '1.0.0', installed: [] });
  const latencies: number[] = [];
  let errors = 0;
  const stopAt = Date.now() + seconds * 1000;
  const once = () =>
    new Promise<void>((resolve) => {
      const token = tokens[Math.floor(Math.random() * tokens.length)]!;
      const t = process.hrtime.bigint();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          agent,
          method: call === 'check-in' ? 'POST' : 'GET',
          path: `/api/v1/device/${call}`,
          headers:
            call === 'check-in'
              ? { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
              : { authorization: `Bearer ${token}` },
        },
        (res) => {
          let size = 0;
          res.on('data', (c: Buffer) => (size += c.length));
          res.on('end', () => {
            if (res.statusCode !== 200 || size < 50) errors++;
            latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      if (call === 'check-in') req.write(body);
      req.end();
    });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < stopAt) await once();
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

async function measure(name: string, port: number, tokens: string[], pid: number | undefined) {
  const out: Record<string, Result & { rss: number }> = {};
  for (const call of ['check-in', 'pulls'] as const) {
    await load(port, call, tokens, 3); // warm-up: JIT, connection pool, caches
    const r = await load(port, call, tokens, SECONDS);
    out[call] = { ...r, rss: peakRssMiB(pid) };
    console.log(
      `  ${name.padEnd(8)} ${call.padEnd(9)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99
        .toFixed(1)
        .padStart(6)} ms  errors ${r.errors}  peak RSS ${out[call]!.rss} MiB`,
    );
  }
  return out;
}

async function main() {
  const database = await scratchDatabaseOrExit('api');
  const benchUrl = database.url;
  const children: ChildProcess[] = [];
  try {
    let t = Date.now();
    const tokens = await prepare(benchUrl);
    console.log(`bench:api · ${DEVICES} devices, ${CONNECTIONS} connections, ${SECONDS} s per run · ${os.cpus().length} CPUs`);
    console.log(`  prepared the database in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const env = {
      DATABASE_URL: benchUrl,
      NEXT_DIST_DIR: DIST,
      AUTH_SECRET: 'bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production' as const,
    };
    const next = path.join('node_modules', 'next', 'dist', 'bin', 'next');
    if (!(process.argv.includes('--reuse-build') && existsSync(DIST))) {
      t = Date.now();
      writeFileSync(`${DIST}.tsconfig.json`, '{ "extends": "./tsconfig.json" }\n');
      const built = spawnSync(process.execPath, [next, 'build'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (built.status !== 0) throw new Error('next build failed');
      console.log(`  next build in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }

    const productPort = await freePort();
    const product = start(process.execPath, [next, 'start', '-p', String(productPort), '-H', '127.0.0.1'], env);
    children.push(product);
    await waitFor(productPort, '/api/v1/device/pulls');
    const p = await measure('product', productPort, tokens, product.pid);
    product.kill('SIGTERM');

    const barePort = await freePort();
    const bare = start(process.execPath, ['--import', 'tsx', 'bench/bare-device-server.ts'], { ...env, PORT: String(barePort) });
    children.push(bare);
    await waitFor(barePort, '/');
    const b = await measure('bare', barePort, tokens, bare.pid);
    bare.kill('SIGTERM');

    console.log('\n  call       product/bare req/s   product p99 (target < 50 ms, ≥ 0.5× bare req/s)');
    for (const call of ['check-in', 'pulls'] as const) {
      const ratio = p[call]!.rps / b[call]!.rps;
      const met = ratio >= 0.5 && p[call]!.p99 < 50 ? 'met' : 'NOT met';
      console.log(`  ${call.padEnd(9)}  ${ratio.toFixed(2).padStart(6)}×              ${p[call]!.p99.toFixed(1)} ms   ${met}`);
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await database.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
