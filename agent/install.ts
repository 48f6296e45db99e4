import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Pull } from './api-types';
import { AgentFailure } from './errors';

const STDERR_TAIL = 4000;
/** An installer that hangs must not hang every later sync (which would wait on the lock). */
const COMMAND_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * One path segment from a server-supplied name. The name is untrusted: only its last segment is
 * kept, characters outside a conservative set become `_` (which also keeps shell quoting of
 * `{file}` safe on every platform), and leading dots go, so `..`, `.` and hidden files cannot
 * result.
 */
export function safeSegment(raw: string, fallback: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  let name = last
    .replace(/[^\p{L}\p{N}._+@()\- ]/gu, '_')
    .replace(/^[. ]+/, '')
    .replace(/[. ]+$/, '')
    .slice(0, 200);
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(name)) name = `_${name}`; // Reserved on Windows.
  return name || fallback;
}

/** Where a pull lands: `<installDir>/<product>/<version>/<file>`, provably inside installDir. */
export function installPath(installDir: string, pull: Pull): string {
  const root = path.resolve(installDir);
  const dest = path.join(
    root,
    safeSegment(pull.product.slug, 'product'),
    safeSegment(pull.release.version, 'version'),
    safeSegment(pull.artifact.fileName, `artifact-${pull.artifact.sha256.slice(0, 12)}`),
  );
  const inside = path.relative(root, dest);
  if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) throw new AgentFailure(`refusing to install outside ${root}: ${dest}`);
  return dest;
}

/** Copies via a temporary name, so an interrupted copy never looks like an installed file. */
export async function placeFile(source: string, dest: string): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await copyFile(source, tmp);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export function shellQuote(s: string): string {
  return process.platform === 'win32' ? `"${s}"` : `'${s.replace(/'/g, `'\\''`)}'`;
}

export type CommandResult = { exitCode: number | null; signal: string | null; stderrTail: string; spawnError?: string };

/**
 * Runs the configured install command through the shell. Its stdout and stderr are echoed to the
 * agent's stderr (the agent's stdout stays a summary); the last part of stderr is kept for the
 * install_failed report.
 */
export function runInstallCommand(command: string, file: string, pull: Pull): Promise<CommandResult> {
  return runCommand(command, file, { product: pull.product.slug, version: pull.release.version, sha256: pull.artifact.sha256 });
}

/**
 * The same for an uninstall command: `{file}` and PORTAL_FILE name the installed file (which may
 * be gone already), PORTAL_ACTION is `uninstall`.
 */
export function runUninstallCommand(
  command: string,
  file: string,
  item: { product: string; version: string; sha256: string },
): Promise<CommandResult> {
  return runCommand(command, file, item, 'uninstall');
}

function runCommand(
  command: string,
  file: string,
  item: { product: string; version: string; sha256: string },
  action: 'install' | 'uninstall' = 'install',
): Promise<CommandResult> {
  const line = command.replaceAll('{file}', shellQuote(file));
  const env = {
    ...process.env,
    PORTAL_ACTION: action,
    PORTAL_FILE: file,
    PORTAL_PRODUCT: item.product,
    PORTAL_VERSION: item.version,
    PORTAL_SHA256: item.sha256,
  };
  return new Promise((resolve) => {
    const child = spawn(line, { shell: true, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS });
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      process.stderr.write(chunk);
      tail = (tail + chunk).slice(-STDERR_TAIL);
    });
    child.on('error', (e) => resolve({ exitCode: null, signal: null, stderrTail: tail, spawnError: e.message }));
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stderrTail: tail }));
  });
}
