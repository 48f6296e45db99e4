import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiClient } from './api';
import { normaliseServer, readConfig } from './config';
import { AgentFailure, ConfigError, ProtocolError, UsageError } from './errors';
import { isRecord } from './fsutil';
import { AGENT_VERSION } from './version';

export type UpdateOptions = { stateDir: string; server?: string; file: string };
export type ServedAgent = { version: string; sha256: string; sizeBytes: number; downloadUrl: string };

const MAX_AGENT_BYTES = 50 * 1024 * 1024;

export function parseServedAgent(data: unknown): ServedAgent {
  if (!isRecord(data)) throw new ProtocolError('malformed agent description from the server');
  const { version, sha256, sizeBytes, downloadUrl } = data;
  if (typeof version !== 'string' || typeof downloadUrl !== 'string')
    throw new ProtocolError('the server’s agent description lacks version or downloadUrl');
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
    throw new ProtocolError('the server’s agent description has no valid sha256');
  if (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes > MAX_AGENT_BYTES) {
    throw new ProtocolError('the server’s agent description has no valid sizeBytes');
  }
  return { version, sha256, sizeBytes, downloadUrl };
}

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * `agent update`: asks the portal which agent it serves; when that is not this very file (by
 * SHA-256), downloads it, verifies its SHA-256 and size, and replaces this file atomically (temp
 * file in the same folder, fsync, rename, folder fsync), keeping its mode. A download that does
 * not match is thrown away and the agent stays as it was.
 */
export async function update(opts: UpdateOptions): Promise<number> {
  const self = path.resolve(opts.file);
  if (!/\.(mjs|js|cjs)$/.test(self)) {
    throw new UsageError(
      `update replaces the single-file agent downloaded from the portal; ${self} is not one (running from a checkout? use git pull)`,
    );
  }
  const server = opts.server ? normaliseServer(opts.server) : (await readConfig(opts.stateDir))?.server;
  if (!server) throw new ConfigError('not enrolled and no --server given: update needs to know the portal');
  const api = new ApiClient(server);
  const served = parseServedAgent(await api.json('GET', '/api/v1/agent'));
  const current = sha256Of(await readFile(self));
  if (current === served.sha256) {
    process.stdout.write(`up to date: agent ${AGENT_VERSION} is what ${server} serves (sha256 ${current})\n`);
    return 0;
  }
  const res = await api.download(served.downloadUrl, { 'accept-encoding': 'identity' }, AbortSignal.timeout(120_000));
  if (!res.ok) throw new AgentFailure(`downloading the agent answered ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const actual = sha256Of(bytes);
  if (bytes.byteLength !== served.sizeBytes || actual !== served.sha256) {
    throw new AgentFailure(
      `refused the downloaded agent: SHA-256 ${actual} (${bytes.byteLength} bytes) does not match the portal’s ${served.sha256} (${served.sizeBytes} bytes); ${self} was left unchanged`,
    );
  }
  const { mode } = await stat(self);
  const tmp = path.join(path.dirname(self), `.${path.basename(self)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w', mode & 0o777);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, self);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  // The rename itself is durable once the folder is synced (not possible on Windows).
  if (process.platform !== 'win32') {
    const dir = await open(path.dirname(self), 'r');
    await dir.sync().finally(() => dir.close());
  }
  process.stdout.write(`updated: agent ${AGENT_VERSION} → ${served.version} (sha256 ${served.sha256}) at ${self}\n`);
  return 0;
}
