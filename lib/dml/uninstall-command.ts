import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import { artifacts, releases } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertId, ConflictError, NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/pipeline/schema';
import { text } from '@/lib/text';
import { assertMayManageProduct, assertMayUseLibrary, auditActorOf, type DmlPrincipal } from './principal';

/** Blank clears the command (the agent then only deletes the file it placed). */
export const uninstallCommandInput = z.object({
  artifactId: z.string(),
  uninstallCommand: text()
    .trim()
    .max(1000, 'The uninstall command must be at most 1000 characters.')
    .transform((s) => (s === '' ? null : s)),
});
export type UninstallCommandInput = z.input<typeof uninstallCommandInput>;

/**
 * Sets the command the agent runs to remove this build. It is not part of the artifact's
 * immutable bytes (those are pinned by SHA-256), so it may change after publishing: fixing a
 * wrong command must not need a new release. Every change is audited with before and after.
 * A withdrawn release is no longer installed anywhere new, but removals of it still run, so it
 * stays editable too; only a corrupt artifact is refused (nothing should act on it).
 */
export async function setUninstallCommand(p: DmlPrincipal, input: UninstallCommandInput): Promise<{ changed: boolean }> {
  assertMayUseLibrary(p);
  const data = parseInput(uninstallCommandInput, input);
  assertId(data.artifactId, 'No such artifact.', 'artifactId');
  return getDb().transaction(async (tx) => {
    const [artifact] = await tx.select().from(artifacts).where(eq(artifacts.id, data.artifactId)).for('update');
    if (!artifact) throw new NotFoundError('No such artifact.', 'artifactId');
    const [release] = await tx.select({ productId: releases.productId }).from(releases).where(eq(releases.id, artifact.releaseId));
    await assertMayManageProduct(p, release!.productId, tx);
    if (artifact.status === 'corrupt')
      throw new ConflictError('This artifact failed its integrity check; it cannot be changed.', 'artifactId');
    if (artifact.uninstallCommand === data.uninstallCommand) return { changed: false };
    await tx.update(artifacts).set({ uninstallCommand: data.uninstallCommand }).where(eq(artifacts.id, artifact.id));
    await recordAudit(
      {
        actor: auditActorOf(p),
        action: 'artifact.uninstall_command_set',
        entityType: 'artifact',
        entityId: artifact.id,
        before: { uninstallCommand: artifact.uninstallCommand },
        after: { uninstallCommand: data.uninstallCommand },
      },
      tx,
    );
    return { changed: true };
  });
}

/** The uninstall command of each artifact of these releases (library page), by artifact id. */
export async function uninstallCommandsOf(releaseIds: string[]): Promise<Map<string, string | null>> {
  if (releaseIds.length === 0) return new Map();
  const rows = await getDb()
    .select({ id: artifacts.id, command: artifacts.uninstallCommand })
    .from(artifacts)
    .where(inArray(artifacts.releaseId, releaseIds));
  return new Map(rows.map((r) => [r.id, r.command]));
}
