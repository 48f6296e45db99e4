import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ApiClient } from './api';
import { parseCheckIn, type Assignment, type CheckIn, type Pull } from './api-types';
import { loadConfig, statePaths, warnIfConfigReadable } from './config';
import { downloadToPart, sha256File } from './download';
import { AgentFailure, messageOf, TokenRefusedError } from './errors';
import { fileSize } from './fsutil';
import { installPath, placeFile, runInstallCommand, type CommandResult } from './install';
import { InstalledStore, writeLastSync } from './installed';
import { carryOutRemoval } from './uninstall';
import { acquireLock } from './lock';
import { Outbox } from './outbox';
import { Reporter } from './reporter';
import { decide } from './schedule';
import { AGENT_VERSION } from './version';

export type SyncOptions = { stateDir: string; installDir?: string; installCommand?: string; uninstallCommand?: string; limitRate?: number };

type Context = {
  api: ApiClient;
  reporter: Reporter;
  installed: InstalledStore;
  cacheDir: string;
  installDir: string;
  installCommand?: string;
  uninstallCommand?: string;
  limitRate?: number;
};
type Outcome = 'installed' | 'upToDate' | 'failed' | 'deferred' | 'removed';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

class InstallCommandFailed extends Error {
  readonly exitCode: number | undefined;
  readonly report: string;
  constructor(r: CommandResult) {
    const how = r.spawnError
      ? `could not start (${r.spawnError})`
      : r.exitCode !== null
        ? `exited with code ${r.exitCode}`
        : `was killed by ${r.signal ?? 'a signal'}`;
    super(`the install command ${how}`);
    this.exitCode = r.exitCode ?? undefined;
    this.report = r.stderrTail ? `${this.message}; stderr (tail):\n${r.stderrTail}` : this.message;
  }
}

/**
 * check-in → for each pull not installed: download (resumable) → verify → place → install
 * command → report. One item failing never stops the others; a refused token stops everything.
 * Exit code: 0 all done, 1 anything failed or reports still queued.
 */
export async function sync(opts: SyncOptions): Promise<number> {
  const paths = statePaths(opts.stateDir);
  const config = await loadConfig(opts.stateDir);
  await warnIfConfigReadable(opts.stateDir);
  acquireLock(paths.lock);
  await mkdir(paths.cache, { recursive: true, mode: 0o700 });
  const api = new ApiClient(config.server, config.token);
  const reporter = new Reporter(await Outbox.load(paths.outbox), api);
  const ctx: Context = {
    api,
    reporter,
    installed: await InstalledStore.load(paths.installed),
    cacheDir: paths.cache,
    installDir: path.resolve(opts.installDir ?? config.installDir ?? paths.installDir),
    installCommand: opts.installCommand ?? config.installCommand,
    uninstallCommand: opts.uninstallCommand ?? config.uninstallCommand,
    limitRate: opts.limitRate,
  };
  const tally: Record<Outcome, number> = { installed: 0, upToDate: 0, failed: 0, deferred: 0, removed: 0 };
  let fatal: AgentFailure | undefined;
  try {
    const earlier = await reporter.flush(true);
    if (earlier > 0) out(`delivered ${earlier} queued report(s) from an earlier run`);
    const body = { agentVersion: AGENT_VERSION, installed: ctx.installed.forCheckIn() };
    const checkIn = parseCheckIn(await api.json('POST', '/api/v1/device/check-in', body));
    out(
      `checked in as ${checkIn.hostname || config.hostname} (device ${checkIn.deviceId}): ${checkIn.pulls.length} pull(s), ${checkIn.assignments.length} deployment assignment(s)${checkIn.removals.length ? `, ${checkIn.removals.length} removal(s)` : ''}`,
    );
    for (const problem of checkIn.invalid) {
      err(`FAILED: skipped an item the server described badly: ${problem}`);
      tally.failed++;
    }
    const { due, deferred } = planDeployments(checkIn);
    for (const line of deferred) {
      out(`waiting: ${line}`);
      tally.deferred++;
    }
    // Removals first; what is being removed is never (re)installed in the same run.
    for (const removal of checkIn.removals) {
      tally[await carryOutRemoval(ctx, removal)]++;
      await reporter.flush();
    }
    const removing = new Set(checkIn.removals.map((r) => r.product.slug));
    for (const pull of uniquePulls([...pullsOutsideDeployments(checkIn), ...due]).filter((p) => !removing.has(p.product.slug))) {
      tally[await syncOne(ctx, pull)]++;
      await reporter.flush();
    }
    await pruneCache(paths.cache, [...checkIn.pulls, ...due]);
  } catch (e) {
    if (!(e instanceof AgentFailure)) throw e;
    fatal = e;
  }
  // One last attempt for what an earlier step could not deliver; after a failed check-in the
  // server is known to be unreachable or refusing, so another wait would only slow the exit.
  if (!fatal) {
    try {
      await reporter.flush(true);
    } catch (e) {
      if (!(e instanceof TokenRefusedError)) throw e;
      fatal = e;
    }
  }

  const undelivered = reporter.undelivered;
  if (undelivered > 0) {
    err(`${undelivered} report(s) not delivered yet (${reporter.reason ?? 'see above'}); they stay in ${paths.outbox} for the next sync`);
  }
  if (fatal) err(`error: ${fatal.message}`);
  else
    out(
      `sync finished: ${tally.installed} installed, ${tally.upToDate} up to date, ${tally.failed} failed${tally.removed ? `, ${tally.removed} uninstalled` : ''}${tally.deferred ? `, ${tally.deferred} waiting` : ''}`,
    );
  const ok = !fatal && tally.failed === 0 && undelivered === 0;
  await writeLastSync(paths.lastSync, {
    at: new Date().toISOString(),
    ok,
    installed: tally.installed,
    failed: tally.failed,
    undelivered,
    ...(fatal ? { error: fatal.message } : {}),
  });
  return ok ? 0 : 1;
}

/** The assignment's build as a pull, so it is fetched, installed and reported like any other. */
const pullOf = (a: Assignment): Pull => ({
  entitlementId: a.entitlementId!,
  requestId: null,
  deploymentId: a.deploymentId,
  product: a.product,
  release: a.release,
  artifact: a.artifact!,
});

/**
 * Splits the assignments into what is due now and what waits (with the reason), by the server's
 * clock from check-in (a device whose own clock is off still keeps the schedule).
 */
function planDeployments(checkIn: CheckIn): { due: Pull[]; deferred: string[] } {
  const parsed = Date.parse(checkIn.serverTime);
  const now = Number.isNaN(parsed) ? new Date() : new Date(parsed);
  const due: Pull[] = [];
  const deferred: string[] = [];
  for (const a of checkIn.assignments) {
    const d = decide(a, now);
    if (d.install) due.push(pullOf(a));
    else deferred.push(`${a.product.slug} ${a.release.version} (deployment "${a.name}"): ${d.reason}`);
  }
  return { due, deferred };
}

/** A deployment's entitlement is also listed as a pull: while its assignment is open, the assignment decides when. */
function pullsOutsideDeployments(checkIn: CheckIn): Pull[] {
  const assigned = new Set(checkIn.assignments.map((a) => a.deploymentId));
  return checkIn.pulls.filter((p) => p.deploymentId === null || !assigned.has(p.deploymentId));
}

/** Two entitlements can lead to the same bytes; they are fetched and installed once. */
function uniquePulls(pulls: Pull[]): Pull[] {
  return [...new Map(pulls.map((p) => [`${p.product.slug}\n${p.artifact.sha256}`, p])).values()];
}

async function syncOne(ctx: Context, pull: Pull): Promise<Outcome> {
  const label = `${pull.product.slug} ${pull.release.version}`;
  if (await ctx.installed.has(pull)) {
    out(`up to date: ${label}`);
    return 'upToDate';
  }
  const artifactId = pull.artifact.id;
  const tag = pull.deploymentId ? { deploymentId: pull.deploymentId } : {};
  let cached: string;
  try {
    cached = await obtainVerified(ctx, pull);
  } catch (e) {
    if (e instanceof TokenRefusedError) throw e;
    // Nothing reached the install step: the ledger must say the download failed, not the install.
    await ctx.reporter.add({ type: 'download_failed', artifactId, ...tag, errorText: messageOf(e) });
    err(`DOWNLOAD FAILED ${label}: ${messageOf(e)}`);
    return 'failed';
  }
  try {
    const dest = installPath(ctx.installDir, pull);
    await placeFile(cached, dest);
    if (ctx.installCommand) {
      const result = await runInstallCommand(ctx.installCommand, dest, pull);
      if (result.exitCode !== 0) {
        // A file in the install dir means "installed"; a failed install must not look like one.
        await rm(dest, { force: true });
        throw new InstallCommandFailed(result);
      }
    }
    await ctx.installed.record(pull, dest);
    await rm(cached, { force: true }); // The installed copy is the one that counts now.
    await ctx.reporter.add({ type: 'install_succeeded', artifactId, ...tag });
    out(`installed ${label} → ${dest}`);
    return 'installed';
  } catch (e) {
    if (e instanceof TokenRefusedError) throw e;
    const command = e instanceof InstallCommandFailed ? e : undefined;
    await ctx.reporter.add({
      type: 'install_failed',
      artifactId,
      ...tag,
      errorText: command ? command.report : messageOf(e),
      ...(command?.exitCode !== undefined ? { exitCode: command.exitCode } : {}),
    });
    err(`FAILED ${label}: ${messageOf(e)}`);
    return 'failed';
  }
}

/**
 * The verified file in the cache. The SHA-256 of the whole file is checked before it is used for
 * anything; a mismatch throws the part away, so the next sync starts clean.
 */
async function obtainVerified(ctx: Context, pull: Pull): Promise<string> {
  const { sha256, id: artifactId } = pull.artifact;
  const tag = pull.deploymentId ? { deploymentId: pull.deploymentId } : {};
  const file = path.join(ctx.cacheDir, sha256);
  if ((await fileSize(file)) >= 0) {
    // Left by a run whose install step failed; re-checked, since it sat on disk meanwhile.
    if ((await sha256File(file)) === sha256) return file;
    await rm(file, { force: true });
  }
  const part = `${file}.part`;
  await ctx.reporter.add({ type: 'download_started', artifactId, ...tag });
  await ctx.reporter.flush();
  const { fetched } = await downloadToPart(ctx.api, pull, part, { limitRate: ctx.limitRate });
  const actual = await sha256File(part);
  if (actual !== sha256) {
    await rm(part, { force: true });
    throw new AgentFailure(`SHA-256 mismatch: expected ${sha256}, got ${actual}; the download was discarded, nothing was installed`);
  }
  await rename(part, file);
  await ctx.reporter.add({ type: 'download_completed', artifactId, ...tag, bytes: fetched });
  return file;
}

/** Drops cached files and partial downloads of things no longer offered. */
async function pruneCache(cacheDir: string, pulls: Pull[]): Promise<void> {
  const keep = new Set(pulls.flatMap((p) => [p.artifact.sha256, `${p.artifact.sha256}.part`]));
  for (const name of await readdir(cacheDir)) {
    if (!keep.has(name)) await rm(path.join(cacheDir, name), { force: true, recursive: true });
  }
}
