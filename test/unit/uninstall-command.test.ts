import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, artifacts } from '@/db/schema';
import { setUninstallCommand, uninstallCommandsOf } from '@/lib/dml/uninstall-command';
import { ForbiddenError, ValidationError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { releasesOf } from '../support/deployments';

const db = setupTestDb();

describe(`the librarian sets an artifact's uninstall command (${engine})`, { timeout: 60_000 }, () => {
  it('stores it on a published release, audits before and after, and clears it when blank', async () => {
    const librarian = await actor('librarian@example.com');
    const { releases } = await releasesOf('firefox');
    const published = releases.find((r) => r.status === 'published')!;
    const command = '/usr/bin/apt-get remove -y firefox';
    expect(
      await setUninstallCommand(
        { kind: 'user', actor: librarian },
        { artifactId: published.artifactId, uninstallCommand: `  ${command} ` },
      ),
    ).toEqual({
      changed: true,
    });
    expect((await uninstallCommandsOf([published.id])).get(published.artifactId)).toBe(command);
    // The agent is offered what is stored.
    const [row] = await db().select().from(artifacts).where(eq(artifacts.id, published.artifactId));
    expect(row!.uninstallCommand).toBe(command);
    // Saving the same again changes nothing and audits nothing.
    expect(
      await setUninstallCommand({ kind: 'user', actor: librarian }, { artifactId: published.artifactId, uninstallCommand: command }),
    ).toEqual({
      changed: false,
    });
    await setUninstallCommand({ kind: 'user', actor: librarian }, { artifactId: published.artifactId, uninstallCommand: '   ' });
    expect((await uninstallCommandsOf([published.id])).get(published.artifactId)).toBeNull();
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, published.artifactId), eq(auditEvents.action, 'artifact.uninstall_command_set')))
      .orderBy(auditEvents.id);
    expect(audits.map((a) => [a.actorId, a.before, a.after])).toEqual([
      [librarian.id, { uninstallCommand: null }, { uninstallCommand: command }],
      [librarian.id, { uninstallCommand: command }, { uninstallCommand: null }],
    ]);
  });

  it('refuses NUL bytes and over-long commands naming the field, and people who are not librarians', async () => {
    const librarian = await actor('librarian@example.com');
    const { releases } = await releasesOf('firefox');
    const artifactId = releases[0]!.artifactId;
    const refused = (uninstallCommand: string) => setUninstallCommand({ kind: 'user', actor: librarian }, { artifactId, uninstallCommand });
    await expect(refused('rm -rf /opt/x\u0000')).rejects.toMatchObject({ constructor: ValidationError, field: 'uninstallCommand' });
    await expect(refused('x'.repeat(1001))).rejects.toMatchObject({ constructor: ValidationError, field: 'uninstallCommand' });
    await expect(refused('x'.repeat(1000))).resolves.toEqual({ changed: true });
    for (const who of ['alice@example.com', 'desk@example.com', 'manager@example.com'])
      await expect(
        setUninstallCommand({ kind: 'user', actor: await actor(who) }, { artifactId, uninstallCommand: 'true' }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    const [row] = await db().select().from(artifacts).where(eq(artifacts.id, artifactId));
    expect(row!.uninstallCommand).toBe('x'.repeat(1000));
  });
});
