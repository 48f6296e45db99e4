import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Removal } from './api-types';
import { messageOf, TokenRefusedError } from './errors';
import { runUninstallCommand, type CommandResult } from './install';
import type { InstalledStore } from './installed';
import type { Reporter } from './reporter';

export type RemovalContext = { reporter: Reporter; installed: InstalledStore; installDir: string; uninstallCommand?: string };

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function describe(r: CommandResult): string {
  const how = r.spawnError
    ? `could not start (${r.spawnError})`
    : r.exitCode !== null
      ? `exited with code ${r.exitCode}`
      : `was killed by ${r.signal ?? 'a signal'}`;
  return r.stderrTail ? `the uninstall command ${how}; stderr (tail):\n${r.stderrTail}` : `the uninstall command ${how}`;
}

/**
 * Carries out one removal asked for on the portal: runs the uninstall command (the librarian's for
 * this build, else this agent's --uninstall-command), removes the file the agent placed, forgets
 * it, and reports `uninstalled`; a failing command is reported as `uninstall_failed` with its exit
 * code and stderr tail, and the software is left as it was (and still counts as installed).
 * Without any command, removing the placed file is the uninstall.
 */
export async function carryOutRemoval(ctx: RemovalContext, removal: Removal): Promise<'removed' | 'failed'> {
  const label = `${removal.product.slug} ${removal.release.version}`;
  const artifactId = removal.artifact.id;
  const item = ctx.installed.find(removal.product.slug, removal.artifact.sha256);
  // Not placed by this agent (say installed before it was enrolled): the command still gets a path to work with.
  const file = item?.path ?? path.join(ctx.installDir, removal.product.slug, removal.release.version, removal.artifact.fileName);
  const command = removal.uninstallCommand ?? ctx.uninstallCommand;
  try {
    if (command) {
      const result = await runUninstallCommand(command, file, {
        product: removal.product.slug,
        version: removal.release.version,
        sha256: removal.artifact.sha256,
      });
      if (result.exitCode !== 0) {
        await ctx.reporter.add({
          type: 'uninstall_failed',
          artifactId,
          errorText: describe(result),
          ...(result.exitCode !== null ? { exitCode: result.exitCode } : {}),
        });
        err(`UNINSTALL FAILED ${label}: ${describe(result)}`);
        return 'failed';
      }
    }
    await rm(file, { force: true });
    await ctx.installed.forget(removal.product.slug);
    await ctx.reporter.add({ type: 'uninstalled', artifactId });
    out(`uninstalled ${label}`);
    return 'removed';
  } catch (e) {
    if (e instanceof TokenRefusedError) throw e;
    await ctx.reporter.add({ type: 'uninstall_failed', artifactId, errorText: messageOf(e) });
    err(`UNINSTALL FAILED ${label}: ${messageOf(e)}`);
    return 'failed';
  }
}
