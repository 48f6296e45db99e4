import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The pull agent, run as the real CLI against a small device-API server started here. The server
 * follows the contract the portal implements (enrol, check-in, pulls, Range downloads, idempotent
 * reports), so these tests prove the agent's behaviour, not the portal's.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Artifact = {
  id: string;
  slug: string;
  version: string;
  fileName: string;
  bytes: Buffer;
  sha256: string;
  /** Serve this byte flipped, like storage that went bad under the server. */
  corruptAt?: number;
  /** Send 32 KiB every 10 ms, so a test can catch the download half-way. */
  throttle?: boolean;
  /** Break the connection after this many body bytes, as the portal does when its integrity check fails. */
  abortAfter?: number;
  /** Offered only through a deployment assignment, not as a pull. */
  assignedOnly?: boolean;
};
type ReceivedEvent = {
  idempotencyKey: string;
  type: string;
  artifactId: string;
  deploymentId?: string;
  occurredAt: string;
  exitCode?: number;
  errorText?: string;
  bytes?: number;
};
type ReportMode = 'ok' | '503' | 'record-then-503' | '422';

const EVENT_TYPES = ['download_started', 'download_completed', 'download_failed', 'install_succeeded', 'install_failed', 'uninstalled'];

class DeviceApi {
  readonly codes = new Set(['GOOD-CODE']);
  readonly tokens = new Map<string, string>(); // token → deviceId
  readonly artifacts: Artifact[] = [];
  /** Every event received, retries included; `keys` holds the ones recorded. */
  readonly received: ReceivedEvent[] = [];
  readonly recorded: ReceivedEvent[] = [];
  readonly checkIns: { installed?: { sha256: string }[] }[] = [];
  readonly downloads: { artifactId: string; range?: string; ifRange?: string; status: number }[] = [];
  reportMode: ReportMode = 'ok';
  /** Deployment assignments check-in returns, and the server clock it reports. */
  assignments: Record<string, unknown>[] = [];
  serverTime: Date | undefined;
  readonly postponed: Record<string, unknown>[] = [];
  url = '';
  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(e) });
      else res.destroy();
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  addArtifact(a: Partial<Artifact> & { slug: string; size: number }): Artifact {
    const bytes = randomBytes(a.size);
    const artifact: Artifact = { id: randomUUID(), version: '1.0.0', fileName: `${a.slug}.bin`, ...a, bytes, sha256: sha(bytes) };
    this.artifacts.push(artifact);
    return artifact;
  }

  issueToken(): { deviceId: string; token: string } {
    const deviceId = randomUUID();
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, deviceId);
    return { deviceId, token };
  }

  eventsFor(a: Artifact): ReceivedEvent[] {
    return this.recorded.filter((e) => e.artifactId === a.id);
  }

  /** An assignment of `a` as the portal's check-in describes it; `fields` override the defaults. */
  assign(a: Artifact, fields: Record<string, unknown> = {}): Record<string, unknown> {
    const item = {
      deploymentId: randomUUID(),
      name: `Deploy ${a.slug}`,
      intent: 'required',
      entitlementId: randomUUID(),
      product: { slug: a.slug, name: a.slug.toUpperCase() },
      release: { id: `rel-${a.id}`, version: a.version },
      artifact: {
        id: a.id,
        fileName: a.fileName,
        mediaType: 'application/octet-stream',
        sizeBytes: a.bytes.length,
        sha256: a.sha256,
        downloadUrl: `/api/artifacts/${a.id}/download`,
      },
      availableFrom: new Date(Date.now() - 86_400_000).toISOString(),
      deadline: null,
      window: null,
      cutoverAt: null,
      postponedUntil: null,
      ...fields,
    };
    this.assignments.push(item);
    return item;
  }

  private pulls() {
    return this.artifacts
      .filter((a) => !a.assignedOnly)
      .map((a) => ({
        entitlementId: randomUUID(),
        requestId: null,
        product: { slug: a.slug, name: a.slug.toUpperCase() },
        release: { id: `rel-${a.id}`, version: a.version },
        artifact: {
          id: a.id,
          fileName: a.fileName,
          mediaType: 'application/octet-stream',
          sizeBytes: a.bytes.length,
          sha256: a.sha256,
          downloadUrl: `/api/artifacts/${a.id}/download`,
        },
      }));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'POST' && url.pathname === '/api/v1/devices/enrol') {
      const body = await readJson(req);
      if (typeof body.code !== 'string' || !this.codes.delete(body.code))
        return send(res, 401, { error: 'Unknown or used enrolment code.' });
      const { deviceId, token } = this.issueToken();
      return send(res, 201, { deviceId, token, hostname: body.hostname ?? 'unknown', platform: 'linux-x64' });
    }
    const deviceId = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!deviceId) return send(res, 401, { error: 'Unknown or revoked device token.' });

    if (req.method === 'POST' && url.pathname === '/api/v1/device/check-in') {
      const body = await readJson(req);
      if (typeof body.agentVersion !== 'string') return send(res, 422, { error: 'agentVersion is required' });
      this.checkIns.push(body as { installed?: { sha256: string }[] });
      const serverTime = (this.serverTime ?? new Date()).toISOString();
      return send(res, 200, { deviceId, hostname: 'test-host', serverTime, pulls: this.pulls(), assignments: this.assignments });
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/device/postpone') {
      const body = await readJson(req);
      this.postponed.push(body);
      return send(res, 200, { deploymentId: body.deploymentId, postponedUntil: body.until ?? '2099-01-01T00:00:00.000Z' });
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/device/pulls') return send(res, 200, { items: this.pulls() });
    if (req.method === 'POST' && url.pathname === '/api/v1/device/reports') return this.reports(await readJson(req), res);

    const m = /^\/api\/artifacts\/([^/]+)\/download$/.exec(url.pathname);
    const artifact = m && this.artifacts.find((a) => a.id === m[1]);
    if (req.method === 'GET' && artifact) return this.download(artifact, req, res);
    send(res, 404, { error: 'Not found' });
  }

  private reports(body: Record<string, unknown>, res: http.ServerResponse): void {
    const events = body.events;
    if (!Array.isArray(events) || events.length < 1 || events.length > 100) return send(res, 422, { error: '1..100 events' });
    for (const e of events as ReceivedEvent[]) {
      const keyOk = typeof e.idempotencyKey === 'string' && e.idempotencyKey.length >= 8 && e.idempotencyKey.length <= 100;
      const textOk = e.errorText === undefined || e.errorText.length <= 8000;
      if (!keyOk || !EVENT_TYPES.includes(e.type) || Number.isNaN(Date.parse(e.occurredAt)) || !textOk) {
        return send(res, 422, { error: 'invalid event' });
      }
    }
    if (this.reportMode === '503' || this.reportMode === '422') {
      return send(res, this.reportMode === '503' ? 503 : 422, { error: `refused (${this.reportMode})` });
    }
    let recorded = 0;
    for (const e of events as ReceivedEvent[]) {
      this.received.push(e);
      if (this.recorded.some((r) => r.idempotencyKey === e.idempotencyKey)) continue;
      this.recorded.push(e);
      recorded++;
    }
    // record-then-503: the batch is stored but the answer is lost, so the agent must retry it.
    if (this.reportMode === 'record-then-503') return send(res, 503, { error: 'answer lost' });
    send(res, 200, { recorded, duplicates: events.length - recorded });
  }

  private async download(a: Artifact, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const range = req.headers.range;
    const ifRange = req.headers['if-range']?.toString();
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(range ?? '');
    if (m && (ifRange === undefined || ifRange === `"${a.sha256}"`)) start = Number(m[1]);
    if (start >= a.bytes.length && start > 0) {
      this.downloads.push({ artifactId: a.id, range, ifRange, status: 416 });
      return send(res, 416, { error: 'range' });
    }
    const status = start > 0 ? 206 : 200;
    this.downloads.push({ artifactId: a.id, range, ifRange, status });
    // No Content-Length (chunked), as the portal may send: the agent must rely on sizeBytes.
    res.writeHead(status, {
      'content-type': 'application/octet-stream',
      etag: `"${a.sha256}"`,
      'accept-ranges': 'bytes',
      ...(status === 206 ? { 'content-range': `bytes ${start}-${a.bytes.length - 1}/${a.bytes.length}` } : {}),
    });
    const body = Buffer.from(a.bytes.subarray(start));
    if (a.corruptAt !== undefined && a.corruptAt >= start) body[a.corruptAt - start] = body[a.corruptAt - start]! ^ 0xff;
    if (a.abortAfter !== undefined) {
      res.write(body.subarray(0, a.abortAfter));
      await sleep(50);
      return void res.destroy();
    }
    if (!a.throttle) return void res.end(body);
    for (let i = 0; i < body.length && !res.destroyed; i += 32 * 1024) {
      res.write(body.subarray(i, i + 32 * 1024));
      await sleep(10);
    }
    res.end();
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

type Run = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the CLI in its own process group, so `kill` reaches the agent itself and not only the
 * tsx launcher in front of it. `killWhen` is polled while it runs.
 */
function agent(args: string[], opts: { env?: Record<string, string>; killWhen?: () => Promise<boolean> } = {}): Promise<Run> {
  const child = spawn(process.execPath, [TSX, 'agent/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORTAL_AGENT_HOME: '', ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let done = false;
  const closed = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      done = true;
      resolve({ code, stdout, stderr });
    }),
  );
  const killWhen = opts.killWhen;
  if (killWhen) {
    void (async () => {
      while (!done) {
        if (await killWhen()) return process.kill(-child.pid!, 'SIGKILL');
        await sleep(20);
      }
    })();
  }
  children.push(child.pid!);
  return closed;
}

const children: number[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already exited.
    }
  }
  for (const c of cleanups.splice(0)) await c();
});

/** A server and a state directory already enrolled (the enrol command has a test of its own). */
async function setup() {
  const api = await new DeviceApi().start();
  const root = await mkdtemp(path.join(os.tmpdir(), 'portal-agent-test-'));
  cleanups.push(async () => {
    await api.stop();
    await rm(root, { recursive: true, force: true });
  });
  const stateDir = path.join(root, 'state');
  const { deviceId, token } = api.issueToken();
  await mkdir(stateDir, { recursive: true });
  const config = { server: api.url, deviceId, token, hostname: 'test-host', platform: 'linux-x64' };
  await writeFile(path.join(stateDir, 'agent.json'), JSON.stringify(config), { mode: 0o600 });
  const installDir = path.join(stateDir, 'installed');
  const run = (command: string, extra: string[] = [], opts?: Parameters<typeof agent>[1]) =>
    agent([command, '--state-dir', stateDir, ...extra], opts);
  const installedFile = (a: Artifact) => path.join(installDir, a.slug, a.version, a.fileName);
  const outbox = async () => (JSON.parse(await readFile(path.join(stateDir, 'outbox.json'), 'utf8')) as { events: ReceivedEvent[] }).events;
  return { api, root, stateDir, installDir, token, run, installedFile, outbox };
}

const fileSha = async (file: string) => sha(await readFile(file));

describe('pull agent', () => {
  it('enrol saves agent.json with mode 0600 and prints the device; a refused code exits 1', async () => {
    const api = await new DeviceApi().start();
    const root = await mkdtemp(path.join(os.tmpdir(), 'portal-agent-test-'));
    cleanups.push(async () => {
      await api.stop();
      await rm(root, { recursive: true, force: true });
    });

    const refused = await agent(['enroll', '--server', api.url, '--code', 'WRONG', '--state-dir', root]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('enrolment code was refused');
    expect(existsSync(path.join(root, 'agent.json'))).toBe(false);

    // PORTAL_AGENT_HOME is the default state directory.
    const ok = await agent(['enroll', '--server', `${api.url}/`, '--code', 'GOOD-CODE', '--hostname', 'lab-pc-7'], {
      env: { PORTAL_AGENT_HOME: root },
    });
    expect(ok.code, ok.stderr).toBe(0);
    const file = path.join(root, 'agent.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(saved).toMatchObject({ server: api.url, hostname: 'lab-pc-7', platform: 'linux-x64' });
    expect(api.tokens.get(saved.token!)).toBe(saved.deviceId);
    expect(ok.stdout).toContain(saved.deviceId);

    const status = await agent(['status', '--state-dir', root]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`server: +${api.url}`));
    expect(status.stdout).toContain('last sync:       never');

    const usage = await agent(['enroll', '--server', api.url, '--state-dir', root]);
    expect(usage.code).toBe(2);
  });

  it('sync downloads, verifies, installs and reports download_started, download_completed, install_succeeded in order', async () => {
    const { api, run, installedFile, stateDir } = await setup();
    const a = api.addArtifact({ slug: 'editor', size: 4 * MiB });

    const first = await run('sync');
    expect(first.code, first.stderr).toBe(0);
    expect(await fileSha(installedFile(a))).toBe(a.sha256);
    expect(api.eventsFor(a).map((e) => e.type)).toEqual(['download_started', 'download_completed', 'install_succeeded']);
    expect(api.eventsFor(a)[1]!.bytes).toBe(4 * MiB);
    expect(first.stderr).toMatch(/100\.0% 4\.0 MiB \/ 4\.0 MiB/); // Plain progress lines when stderr is not a TTY.
    expect(await readdir(path.join(stateDir, 'cache'))).toEqual([]); // Installed: the cached copy is gone.

    const second = await run('sync');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('up to date: editor 1.0.0');
    expect(api.downloads).toHaveLength(1);
    expect(api.checkIns[1]!.installed).toEqual([{ artifactId: a.id, sha256: a.sha256, version: '1.0.0', product: 'editor' }]);

    const status = await run('status');
    expect(status.stdout).toContain('installed:       1 item(s)');
    expect(status.stdout).toContain('outbox:          0 report(s)');
    expect(status.stdout).toMatch(/last sync: +\S+ — ok/);
  });

  it('resumes a download killed half-way with Range and fetches only the rest', async () => {
    const { api, run, installedFile, stateDir } = await setup();
    const a = api.addArtifact({ slug: 'big', size: 6 * MiB, throttle: true });
    const part = path.join(stateDir, 'cache', `${a.sha256}.part`);
    const partSize = async () => (existsSync(part) ? (await stat(part)).size : 0);

    const killed = await run('sync', [], { killWhen: async () => (await partSize()) > MiB });
    expect(killed.code).toBeNull(); // SIGKILL
    const left = await partSize();
    expect(left).toBeGreaterThan(MiB);
    expect(left).toBeLessThan(6 * MiB);

    const resumed = await run('sync');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming at');
    expect(api.downloads.at(-1)).toMatchObject({ range: `bytes=${left}-`, ifRange: `"${a.sha256}"`, status: 206 });
    const completed = api.eventsFor(a).find((e) => e.type === 'download_completed')!;
    expect(completed.bytes).toBe(6 * MiB - left);
    expect(await fileSha(installedFile(a))).toBe(a.sha256);
  });

  it('a transfer the server breaks off is a failure, never a success, and the next sync resumes it', async () => {
    const { api, run, installedFile, stateDir } = await setup();
    const a = api.addArtifact({ slug: 'flaky', size: 2 * MiB, abortAfter: 700 * 1024 });

    const broken = await run('sync');
    expect(broken.code).toBe(1);
    expect(api.eventsFor(a).map((e) => e.type)).toEqual(['download_started', 'download_failed']);
    expect(api.eventsFor(a)[1]!.errorText).toContain(`the transfer broke off after ${700 * 1024} of ${2 * MiB} bytes`);
    expect(existsSync(installedFile(a))).toBe(false);
    expect((await stat(path.join(stateDir, 'cache', `${a.sha256}.part`))).size).toBe(700 * 1024);

    delete a.abortAfter;
    const resumed = await run('sync');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(api.downloads.at(-1)).toMatchObject({ range: `bytes=${700 * 1024}-`, status: 206 });
    expect(await fileSha(installedFile(a))).toBe(a.sha256);
  });

  it('a corrupted byte fails the hash check: download_failed, nothing installed, exit 1', async () => {
    const { api, run, installedFile, stateDir } = await setup();
    const a = api.addArtifact({ slug: 'tampered', size: 2 * MiB, corruptAt: 1234 });

    const r = await run('sync');
    expect(r.code).toBe(1);
    expect(api.eventsFor(a).map((e) => e.type)).toEqual(['download_started', 'download_failed']);
    expect(api.eventsFor(a)[1]!.errorText).toContain(`SHA-256 mismatch: expected ${a.sha256}`);
    expect(existsSync(installedFile(a))).toBe(false);
    expect(await readdir(path.join(stateDir, 'cache'))).toEqual([]); // The bad part is gone; the next sync starts over.
    expect(r.stderr).toContain('DOWNLOAD FAILED tampered 1.0.0: SHA-256 mismatch');
  });

  it('an install command that exits 3 is reported with its exit code and stderr tail; the other item still installs', async () => {
    const { api, run, installedFile, root } = await setup();
    const bad = api.addArtifact({ slug: 'bad', size: 256 * 1024 });
    const good = api.addArtifact({ slug: 'good', size: 256 * 1024, version: '2.1' });
    const log = path.join(root, 'install.log');
    const command =
      `if [ "$PORTAL_PRODUCT" = bad ]; then echo 'noise line' >&2; echo 'installer exploded: disk full' >&2; exit 3; fi; ` +
      `printf '%s|%s|%s|%s\\n' "$PORTAL_PRODUCT" "$PORTAL_VERSION" "$PORTAL_SHA256" {file} >> "$INSTALL_LOG"`;

    const r = await run('sync', ['--install-command', command], { env: { INSTALL_LOG: log } });
    expect(r.code).toBe(1);
    const failed = api.eventsFor(bad).find((e) => e.type === 'install_failed')!;
    expect(failed.exitCode).toBe(3);
    expect(failed.errorText).toContain('installer exploded: disk full');
    expect(existsSync(installedFile(bad))).toBe(false);
    expect(api.eventsFor(good).map((e) => e.type)).toEqual(['download_started', 'download_completed', 'install_succeeded']);
    expect(await readFile(log, 'utf8')).toBe(`good|2.1|${good.sha256}|${installedFile(good)}\n`);
    expect(await fileSha(installedFile(good))).toBe(good.sha256);
  });

  it('reports refused with 503 stay in the outbox and are delivered once each on the next run', async () => {
    const { api, run, outbox } = await setup();
    const a = api.addArtifact({ slug: 'tool', size: 256 * 1024 });
    api.reportMode = '503';

    const first = await run('sync');
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('3 report(s) not delivered yet');
    const queued = await outbox();
    expect(queued.map((e) => e.type)).toEqual(['download_started', 'download_completed', 'install_succeeded']);
    expect(api.recorded).toHaveLength(0);

    api.reportMode = 'ok';
    const second = await run('sync');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('delivered 3 queued report(s)');
    expect(api.eventsFor(a).map((e) => e.idempotencyKey)).toEqual(queued.map((e) => e.idempotencyKey));
    expect(api.received).toHaveLength(3);
    expect(await outbox()).toEqual([]);
  });

  it('a batch whose answer was lost is retried with the same keys and recorded once', async () => {
    const { api, run, outbox } = await setup();
    api.addArtifact({ slug: 'tool', size: 256 * 1024 });
    api.reportMode = 'record-then-503';

    expect((await run('sync')).code).toBe(1);
    expect(api.recorded).toHaveLength(3);
    expect(await outbox()).toHaveLength(3);

    api.reportMode = 'ok';
    const second = await run('sync');
    expect(second.code, second.stderr).toBe(0);
    expect(api.received.length).toBeGreaterThanOrEqual(6); // Every event was sent twice …
    expect(api.recorded).toHaveLength(3); // … and counted once.
    expect(await outbox()).toEqual([]);
  });

  it('a report the server refuses with 422 is set aside with a warning instead of being retried forever', async () => {
    const { api, run, outbox, stateDir } = await setup();
    api.addArtifact({ slug: 'tool', size: 64 * 1024 });
    api.reportMode = '422';

    const r = await run('sync');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: the server refused the download_started report .*set aside in .*outbox\.refused\.jsonl/);
    expect(await outbox()).toEqual([]);
    // Kept on the device, one line per refused report, with the server's reason.
    const refusedLines = (await readFile(path.join(stateDir, 'outbox.refused.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(refusedLines.map((l) => l.event.type)).toContain('download_started');
    expect(refusedLines[0].reason).toContain('refused (422)');
  });

  it('a refused token on check-in says to enrol again and exits 1', async () => {
    const { api, run, token } = await setup();
    api.tokens.delete(token);

    const r = await run('sync');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("this device's token was refused (revoked or retired?) — enrol again");
  });

  it('a hostile file name lands as a plain name inside the install dir', async () => {
    const { api, run, root } = await setup();
    const installDir = path.join(root, 'apps');
    const a = api.addArtifact({ slug: 'sneaky', size: 64 * 1024, fileName: '../../evil.sh', version: '../../1.0' });

    const r = await run('sync', ['--install-dir', installDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(await fileSha(path.join(installDir, 'sneaky', '1.0', 'evil.sh'))).toBe(a.sha256);
    expect(existsSync(path.join(root, 'evil.sh'))).toBe(false);
    expect(existsSync(path.join(installDir, 'evil.sh'))).toBe(false);
    expect((await readdir(root)).sort()).toEqual(['apps', 'state']);
  });
});

describe('pull agent and deployments', () => {
  const at = (iso: string) => new Date(iso);

  it('installs a required assignment only inside its window (in its time zone), reporting the deployment on every event', async () => {
    const { api, run, installedFile } = await setup();
    const a = api.addArtifact({ slug: 'vpn', size: 64 * 1024, assignedOnly: true });
    // 22:00–05:00 in Berlin (UTC+1 in December); the server says it is 12:00 UTC = 13:00 there.
    const d = api.assign(a, { window: { startMinute: 22 * 60, endMinute: 5 * 60, timeZone: 'Europe/Berlin' } });
    api.serverTime = at('2026-12-01T12:00:00Z');
    const outside = await run('sync');
    expect(outside.code, outside.stderr).toBe(0);
    expect(outside.stdout).toMatch(/waiting: vpn 1\.0\.0 .*outside the maintenance window 22:00–05:00 Europe\/Berlin/);
    expect(api.downloads).toHaveLength(0);

    api.serverTime = at('2026-12-01T23:30:00Z'); // 00:30 in Berlin: inside the wrapped window
    const inside = await run('sync');
    expect(inside.code, inside.stderr).toBe(0);
    expect(await fileSha(installedFile(a))).toBe(a.sha256);
    expect(api.eventsFor(a).map((e) => [e.type, e.deploymentId])).toEqual([
      ['download_started', d.deploymentId],
      ['download_completed', d.deploymentId],
      ['install_succeeded', d.deploymentId],
    ]);
  });

  it('a postponement is honoured until the deadline; at the deadline it installs regardless of postponement and window', async () => {
    const { api, run, installedFile } = await setup();
    const a = api.addArtifact({ slug: 'office', size: 32 * 1024, assignedOnly: true });
    api.assign(a, {
      deadline: '2026-12-05T00:00:00.000Z',
      postponedUntil: '2026-12-10T00:00:00.000Z',
      window: { startMinute: 60, endMinute: 120, timeZone: 'UTC' },
    });
    api.serverTime = at('2026-12-04T01:30:00Z'); // inside the window, but postponed
    const postponed = await run('sync');
    expect(postponed.stdout).toMatch(/waiting: office .*postponed until 2026-12-10/);
    expect(api.downloads).toHaveLength(0);

    api.serverTime = at('2026-12-05T12:00:00Z'); // past the deadline, outside the window, still "postponed"
    const due = await run('sync');
    expect(due.code, due.stderr).toBe(0);
    expect(await fileSha(installedFile(a))).toBe(a.sha256);
  });

  it('never installs before a big-bang cut-over or availableFrom; an available item waits for "install now"', async () => {
    const { api, run, installedFile } = await setup();
    const bang = api.addArtifact({ slug: 'client', version: '2.0.0', size: 16 * 1024, assignedOnly: true });
    const later = api.addArtifact({ slug: 'later', size: 16 * 1024, assignedOnly: true });
    const offer = api.addArtifact({ slug: 'ide', size: 16 * 1024, assignedOnly: true });
    api.assign(bang, { cutoverAt: '2026-12-02T06:00:00.000Z', availableFrom: '2026-12-01T00:00:00.000Z' });
    api.assign(later, { availableFrom: '2026-12-03T00:00:00.000Z' });
    const av = api.assign(offer, { intent: 'available', entitlementId: null });
    api.serverTime = at('2026-12-02T05:59:00Z');
    const before = await run('sync');
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/waiting: client 2\.0\.0 .*big-bang cut-over at 2026-12-02T06:00/);
    expect(before.stdout).toMatch(/waiting: later .*available from 2026-12-03/);
    expect(before.stdout).toMatch(/waiting: ide .*Install now/);
    expect(api.downloads).toHaveLength(0);

    api.serverTime = at('2026-12-02T06:00:00Z');
    av.entitlementId = randomUUID(); // claimed on My software
    const after = await run('sync');
    expect(after.code, after.stderr).toBe(0);
    expect(await fileSha(installedFile(bang))).toBe(bang.sha256);
    expect(await fileSha(installedFile(offer))).toBe(offer.sha256);
    expect(existsSync(installedFile(later))).toBe(false);
  });

  it('postpone asks the portal, naming the deployment and the time', async () => {
    const { api, run } = await setup();
    const r = await run('postpone', ['6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f', '--until', '2026-12-03T18:00:00Z']);
    expect(r.code, r.stderr).toBe(0);
    expect(api.postponed).toEqual([{ deploymentId: '6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f', until: '2026-12-03T18:00:00Z' }]);
    expect(r.stdout).toContain('postponed deployment 6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f until 2026-12-03T18:00:00Z');
  });
});
