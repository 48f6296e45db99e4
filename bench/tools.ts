/** Helpers shared by the benchmark scripts: scratch databases, sizes, timing with peak RSS, child processes, nginx. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import { createDb, setDbHandle, type DbHandle } from '../db';
import { runMigrations } from '../db/migrate';

export const MiB = 1024 * 1024;
export const run = promisify(execFile);

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops the database (or, with --keep on the command line, says it was kept). */
  drop: () => Promise<void>;
}

/**
 * A database of the benchmark's own (`portal_bench_<tag>_<pid>`) on the PostgreSQL server that
 * DATABASE_MIGRATION_URL, else DATABASE_URL, names; null when neither is set.
 */
export async function scratchDatabase(tag: string): Promise<ScratchDatabase | null> {
  const server = process.env.DATABASE_MIGRATION_URL || process.env.DATABASE_URL;
  if (!server) return null;
  const name = `portal_bench_${tag}_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (e) {
    await admin.end();
    throw e;
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      try {
        if (process.argv.includes('--keep')) console.log(`Kept the database ${name}.`);
        else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * scratchDatabase for the benchmarks that need PostgreSQL: without a server they say so and exit,
 * with 0 under --if-configured (`npm run bench` must not fail on a machine without PostgreSQL).
 */
export async function scratchDatabaseOrExit(tag: string): Promise<ScratchDatabase> {
  const database = await scratchDatabase(tag);
  if (database) return database;
  console.error('DATABASE_URL is not set: this benchmark runs against PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
  process.exit(process.argv.includes('--if-configured') ? 0 : 1);
}

export function parseSize(s: string | undefined, fallback: number): number {
  if (!s) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?i?b?$/i.exec(s.trim());
  if (!m) throw new Error(`BENCH_BYTES: not a size: ${s}`);
  const unit = { k: 1024, m: MiB, g: 1024 * MiB }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

/** Wall time of `fn` and this process's peak RSS meanwhile (sampled every 10 ms). */
export async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const start = process.hrtime.bigint();
  try {
    const result = await fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { result, seconds, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

export async function writeRandomFile(file: string, size: number): Promise<void> {
  const handle = await open(file, 'w');
  const buffer = Buffer.allocUnsafe(4 * MiB);
  try {
    for (let written = 0; written < size;) {
      const n = Math.min(buffer.length, size - written);
      randomFillSync(buffer, 0, n);
      await handle.write(buffer, 0, n); // Awaited, so the one buffer can be refilled safely.
      written += n;
    }
  } finally {
    await handle.close();
  }
}

/** `n` curl processes fetching `url` at once; seconds until all finish and the bytes they got. */
export async function curlParallel(url: string, n: number): Promise<{ seconds: number; bytes: number }> {
  const start = process.hrtime.bigint();
  const sizes = await Promise.all(
    Array.from({ length: n }, () =>
      run('curl', ['-sS', '--fail', '-o', '/dev/null', '-w', '%{size_download}', url]).then((r) => Number(r.stdout)),
    ),
  );
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes: sizes.reduce((a, b) => a + b, 0) };
}

/** Latency of `count` sequential Range requests for 100 bytes at random offsets, keep-alive. */
export async function rangeLatency(url: string, size: number, count: number): Promise<{ median: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor(Math.random() * (size - 100));
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent, headers: { Range: `bytes=${start}-${start + 99}` } }, (res) => {
          let got = 0;
          res.on('data', (c: Buffer) => (got += c.length));
          res.on('end', () =>
            res.statusCode === 206 && got === 100 ? resolve() : reject(new Error(`Range: ${res.statusCode}, ${got} bytes`)),
          );
        })
        .on('error', reject);
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(count / 2)]!, p99: times[Math.min(count - 1, Math.floor(count * 0.99))]! };
}

/** Starts a child process and resolves with its first stdout line parsed as JSON. */
export function startJsonChild(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; ready: unknown }> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve({ child, ready: JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before it was ready`)));
  });
}

/**
 * An nginx of our own: its own prefix, config, port and pid file under `dir`, serving `root`
 * with sendfile, in the foreground as our child (stopped with the returned function).
 */
export async function startNginx(dir: string, root: string, port: number): Promise<() => Promise<void>> {
  const prefix = path.join(dir, 'nginx');
  await mkdir(path.join(prefix, 'logs'), { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  await writeFile(
    conf,
    `daemon off;
worker_processes auto;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  server { listen 127.0.0.1:${port}; root ${root}; location / { } }
}
`,
  );
  const child = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', conf], { stdio: 'inherit' });
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((resolve) =>
      http.get(`http://127.0.0.1:${port}/`, () => resolve(true)).on('error', () => resolve(false)),
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return () => stopChild(child);
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export const fmt = (n: number, digits = 0) => n.toFixed(digits);

/** The middle value (the upper middle of an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Runs `work` against a migrated scratch database (scratchDatabaseOrExit): the services' handle
 * points at it (setDbHandle) and `raw` is a plain `pg` client for the baselines; all three are
 * closed, and the database dropped, however `work` ends.
 */
export async function withScratchPostgres(
  tag: string,
  work: (s: { handle: DbHandle; raw: pg.Client; url: string }) => Promise<void>,
): Promise<void> {
  const database = await scratchDatabaseOrExit(tag);
  const handle = createDb({ kind: 'postgres', url: database.url });
  setDbHandle(handle);
  const raw = new pg.Client({ connectionString: database.url });
  try {
    await raw.connect();
    await runMigrations(handle);
    await work({ handle, raw, url: database.url });
  } finally {
    await raw.end().catch(() => {});
    await handle.close();
    await database.drop();
  }
}
