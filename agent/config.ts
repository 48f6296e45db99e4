import { mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, UsageError } from './errors';
import { isRecord, readJsonFile, writeFileAtomic } from './fsutil';

/** agent.json: who this device is. Holds the bearer token, hence mode 0600. */
export type AgentConfig = {
  server: string;
  deviceId: string;
  token: string;
  hostname: string;
  platform: string;
  enrolledAt?: string;
  /** Shell command run after each file is placed; `{file}` and PORTAL_* are filled in. */
  installCommand?: string;
  /** Shell command run to remove software the portal asks to remove; `{file}` and PORTAL_* as above. */
  uninstallCommand?: string;
  installDir?: string;
};

export function resolveStateDir(flag: string | undefined): string {
  // An empty PORTAL_AGENT_HOME counts as unset rather than "the current directory".
  return path.resolve(flag || process.env.PORTAL_AGENT_HOME || path.join(os.homedir(), '.portal-agent'));
}

export function statePaths(stateDir: string) {
  return {
    config: path.join(stateDir, 'agent.json'),
    installed: path.join(stateDir, 'installed.json'),
    outbox: path.join(stateDir, 'outbox.json'),
    lastSync: path.join(stateDir, 'last-sync.json'),
    lock: path.join(stateDir, 'sync.lock'),
    cache: path.join(stateDir, 'cache'),
    installDir: path.join(stateDir, 'installed'),
  };
}

export async function ensureStateDir(stateDir: string): Promise<void> {
  // 0700: the directory holds the token and the downloaded files.
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
}

/** `https://portal.example/` → `https://portal.example`; anything but http(s) is a usage error. */
export function normaliseServer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--server must be a URL such as https://portal.example.com (got "${raw}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--server must be an http(s) URL');
  if (url.search || url.hash) throw new UsageError('--server must not carry a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

export function isPlainHttpToRemote(server: string): boolean {
  const url = new URL(server);
  return url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

const optionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';

export async function readConfig(stateDir: string): Promise<AgentConfig | undefined> {
  const file = statePaths(stateDir).config;
  const data = await readJsonFile(file);
  if (data === undefined) return undefined;
  const required = ['server', 'deviceId', 'token', 'hostname', 'platform'] as const;
  if (!isRecord(data) || required.some((k) => typeof data[k] !== 'string' || data[k] === '')) {
    throw new ConfigError(`${file} is incomplete (needs ${required.join(', ')}); enrol again`);
  }
  if (
    !optionalString(data.installCommand) ||
    !optionalString(data.uninstallCommand) ||
    !optionalString(data.installDir) ||
    !optionalString(data.enrolledAt)
  ) {
    throw new ConfigError(`${file}: installCommand, uninstallCommand, installDir and enrolledAt must be strings`);
  }
  return data as AgentConfig;
}

export async function loadConfig(stateDir: string): Promise<AgentConfig> {
  const config = await readConfig(stateDir);
  if (!config)
    throw new ConfigError(`not enrolled (no ${statePaths(stateDir).config}); run: npm run agent -- enroll --server URL --code CODE`);
  return config;
}

export async function saveConfig(stateDir: string, config: AgentConfig): Promise<void> {
  await ensureStateDir(stateDir);
  await writeFileAtomic(statePaths(stateDir).config, JSON.stringify(config, null, 2) + '\n', 0o600);
}

/** Warns when someone loosened agent.json's permissions: anyone who can read it can act as this device. */
export async function warnIfConfigReadable(stateDir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const file = statePaths(stateDir).config;
  const { mode } = await stat(file);
  if (mode & 0o077)
    process.stderr.write(`warning: ${file} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it\n`);
}
