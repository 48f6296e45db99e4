import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { artifacts, auditEvents, devices, installEvents, releases } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

/** The message of the database error behind a failed drizzle query. */
async function dbError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return `${err.message} ${err.cause?.message ?? ''}`;
  }
  throw new Error('expected the database to refuse');
}

describe(`append-only history (${engine})`, () => {
  it('refuses UPDATE, DELETE and TRUNCATE on audit events, and keeps the row', async () => {
    await recordAudit({ actor: { kind: 'system' }, action: 'test.happened', entityType: 'test', entityId: 'x', after: { a: 1 } });
    const [row] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'test.happened'));
    expect(row).toBeDefined();

    expect(await dbError(db().update(auditEvents).set({ action: 'test.rewritten' }).where(eq(auditEvents.id, row!.id)))).toMatch(
      /append-only/,
    );
    expect(await dbError(db().delete(auditEvents).where(eq(auditEvents.id, row!.id)))).toMatch(/append-only/);
    expect(await dbError(db().execute(sql`TRUNCATE audit_events`))).toMatch(/append-only/);

    const [after] = await db().select().from(auditEvents).where(eq(auditEvents.id, row!.id));
    expect(after?.action).toBe('test.happened');
  });

  it('refuses UPDATE, DELETE and TRUNCATE on install events, and keeps the row', async () => {
    const [device] = await db().select().from(devices).limit(1);
    const [artifact] = await db()
      .select({ id: artifacts.id, releaseId: artifacts.releaseId, sha256: artifacts.sha256, productId: releases.productId })
      .from(artifacts)
      .innerJoin(releases, eq(releases.id, artifacts.releaseId))
      .where(eq(releases.status, 'published'))
      .limit(1);
    const [event] = await db()
      .insert(installEvents)
      .values({
        type: 'install_succeeded',
        deviceId: device!.id,
        userId: device!.ownerId,
        productId: artifact!.productId,
        releaseId: artifact!.releaseId,
        artifactId: artifact!.id,
        sha256: artifact!.sha256,
        occurredAt: new Date(),
      })
      .returning();

    expect(await dbError(db().update(installEvents).set({ type: 'install_failed' }).where(eq(installEvents.id, event!.id)))).toMatch(
      /append-only/,
    );
    expect(await dbError(db().delete(installEvents))).toMatch(/append-only/);
    expect(await dbError(db().execute(sql`TRUNCATE install_events CASCADE`))).toMatch(/append-only/);

    const [after] = await db().select().from(installEvents).where(eq(installEvents.id, event!.id));
    expect(after?.type).toBe('install_succeeded');
  });

  it("refuses changes to a published artifact's bytes and identity", async () => {
    const [published] = await db()
      .select({ id: artifacts.id, sha256: artifacts.sha256 })
      .from(artifacts)
      .innerJoin(releases, eq(releases.id, artifacts.releaseId))
      .where(eq(releases.status, 'published'))
      .limit(1);
    expect(
      await dbError(
        db()
          .update(artifacts)
          .set({ sha256: 'f'.repeat(64) })
          .where(eq(artifacts.id, published!.id)),
      ),
    ).toMatch(/immutable/);
    expect(await dbError(db().update(artifacts).set({ sizeBytes: 1 }).where(eq(artifacts.id, published!.id)))).toMatch(/immutable/);
    expect(await dbError(db().delete(artifacts).where(eq(artifacts.id, published!.id)))).toMatch(/cannot be deleted/);
    // Its integrity status may still move, so a tampered file can be flagged.
    await db().update(artifacts).set({ status: 'corrupt' }).where(eq(artifacts.id, published!.id));
    const [after] = await db().select().from(artifacts).where(eq(artifacts.id, published!.id));
    expect(after?.sha256).toBe(published!.sha256);
  });

  it('refuses a release moving backwards in its lifecycle', async () => {
    const [withdrawn] = await db().select().from(releases).where(eq(releases.status, 'withdrawn')).limit(1);
    expect(await dbError(db().update(releases).set({ status: 'published' }).where(eq(releases.id, withdrawn!.id)))).toMatch(/cannot move/);
  });
});
