import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxConf } from './nginx-conf';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ClusterOptions {
  /** The app's PostgreSQL connection (one database shared by every instance). */
  databaseUrl: string;
  /** The schema owner's connection, for migrations and the seed (defaults to databaseUrl). */
  migrationUrl?: string;
  instances?: number;
  /** Build when `.next` has no build (default), always, or never (fail instead). */
  build?: 'if-missing' | 'always' | 'never';
  /** Extra environment for every instance (rate limits, grace period ...). */
  env?: Record<string, string>;
  debugHeaders?: boolean;
  /** Where instance and nginx logs go (a fresh temp folder by default). */
  dir?: string;
  log?: (line: string) => void;
}

export interface Instance {
  name: string;
  port: number;
  url: string;
  /** The running process; undefined while stopped. */
  process(): ChildProcess | undefined;
  start(): Promise<void>;
  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Cluster {
  url: string;
  dir: string;
  instances: Instance[];
  metricsToken: string;
  s3Endpoint: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion, its output into the log file; rejects on a non-zero exit. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  const out = openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', out, out] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}; see ${logFile}`)),
    );
  });
}

export async function waitFor(url: string, timeoutMs: number, ok = (status: number) => status === 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (ok(res.status)) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

async function startS3rver(dir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const data = path.join(dir, 's3');
  await mkdir(data, { recursive: true });
  const child = spawn(process.execPath, [path.join(root, 'test/support/s3rver-process.mjs'), data, 'portal-dml'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, child };
}

/**
 * Two (or more) production instances (`next start`) on one PostgreSQL database and one S3 bucket
 * (s3rver), behind an nginx of our own: what production looks like, on one machine.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const log = options.log ?? (() => {});
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'portal-cluster-')));
  await mkdir(dir, { recursive: true });
  const children: ChildProcess[] = [];
  const metricsToken = `cluster-metrics-${Math.random().toString(36).slice(2)}-token`;
  try {
    const build = options.build ?? 'if-missing';
    if (build === 'always' || (build === 'if-missing' && !existsSync(path.join(root, '.next/BUILD_ID')))) {
      log('building (npm run build) ...');
      await run('npm', ['run', 'build'], process.env, path.join(dir, 'build.log'));
    } else if (!existsSync(path.join(root, '.next/BUILD_ID'))) {
      throw new Error('No production build in .next: run `npm run build` first.');
    }
    const s3 = await startS3rver(dir);
    children.push(s3.child);
    const nginxPort = await freePort();
    const url = `http://127.0.0.1:${nginxPort}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_MANUAL_SIG_HANDLE: '1',
      DATABASE_URL: options.databaseUrl,
      DATABASE_MIGRATION_URL: options.migrationUrl ?? options.databaseUrl,
      DML_S3_BUCKET: 'portal-dml',
      DML_S3_ENDPOINT: s3.endpoint,
      DML_S3_ACCESS_KEY_ID: 'S3RVER',
      DML_S3_SECRET_ACCESS_KEY: 'S3RVER',
      DML_S3_FORCE_PATH_STYLE: 'true',
      AUTH_SECRET: process.env.AUTH_SECRET ?? 'cluster-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      APP_URL: url,
      TRUST_PROXY: '1',
      METRICS_TOKEN: metricsToken,
      ...options.env,
    };
    log('migrating and seeding the database ...');
    await run('npx', ['tsx', 'db/migrate.ts'], env, path.join(dir, 'setup.log'));
    await run('npx', ['tsx', 'db/seed.ts'], env, path.join(dir, 'setup.log'));

    const ports = await Promise.all(Array.from({ length: options.instances ?? 2 }, () => freePort()));
    const instances = ports.map((port, i) =>
      makeInstance(String.fromCharCode(97 + i), port, { ...env, DATA_DIR: path.join(dir, `data-${i}`) }, dir),
    );
    log(`starting ${instances.length} instances ...`);
    await Promise.all(instances.map((i) => i.start()));

    await writeFile(
      path.join(dir, 'nginx.conf'),
      nginxConf({ dir, listenPort: nginxPort, upstreamPorts: ports, debugHeaders: options.debugHeaders }),
    );
    const nginxLog = openSync(path.join(dir, 'nginx-stderr.log'), 'a');
    const nginx = spawn(nginxBinary(), ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'nginx-error.log')], {
      stdio: ['ignore', nginxLog, nginxLog],
    });
    children.push(nginx);
    await waitFor(`${url}/api/health/live`, 15_000);
    log(`ready: ${url} (instances ${instances.map((i) => i.url).join(', ')}; logs in ${dir})`);
    return {
      url,
      dir,
      instances,
      metricsToken,
      s3Endpoint: s3.endpoint,
      async stop() {
        await Promise.all(instances.map((i) => i.stop('SIGKILL')));
        await stopAll(children);
        if (!options.dir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopAll(children);
    throw e;
  }
}

/** Debian installs nginx in /usr/sbin, which an ordinary user's PATH often lacks. */
const nginxBinary = () => process.env.NGINX_BIN ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return undefined;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      return exited;
    }),
  );
}

function makeInstance(name: string, port: number, env: NodeJS.ProcessEnv, dir: string): Instance {
  let child: ChildProcess | undefined;
  const url = `http://127.0.0.1:${port}`;
  return {
    name,
    port,
    url,
    process: () => child,
    async start() {
      const out = openSync(path.join(dir, `instance-${name}.log`), 'a');
      // `next start` itself (not npm): signals reach the server process directly.
      child = spawn(
        process.execPath,
        [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
        {
          cwd: root,
          env,
          stdio: ['ignore', out, out],
        },
      );
      const started = child;
      const exited = new Promise<never>((_, reject) =>
        started.once('exit', (code) =>
          reject(new Error(`instance ${name} exited (${code}) while starting; see ${dir}/instance-${name}.log`)),
        ),
      );
      await Promise.race([waitFor(`${url}/api/health/ready`, 120_000), exited]);
    },
    async stop(signal = 'SIGTERM') {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? null;
      const code = new Promise<number | null>((r) => c.once('exit', (exitCode) => r(exitCode)));
      c.kill(signal);
      const result = await code;
      child = undefined;
      return result;
    },
  };
}
