import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { artifacts, auditEvents, devices, installEvents, releases } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

/** Refused by the trigger, or (for a restricted app user on PostgreSQL) by the missing privilege first. */
const refused = /append-only|permission denied/;
const restrictedUser = engine === 'postgres' && !!process.env.DATABASE_MIGRATION_URL;

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

    expect(await dbError(db().update(auditEvents).set({ action: 'test.rewritten' }).where(eq(auditEvents.id, row!.id)))).toMatch(refused);
    expect(await dbError(db().delete(auditEvents).where(eq(auditEvents.id, row!.id)))).toMatch(refused);
    expect(await dbError(db().execute(sql`TRUNCATE audit_events`))).toMatch(refused);

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
      refused,
    );
    expect(await dbError(db().delete(installEvents))).toMatch(refused);
    expect(await dbError(db().execute(sql`TRUNCATE install_events CASCADE`))).toMatch(refused);

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

  it('keeps what was published: a release’s product, version, date and change reference; an artifact’s name and type; corrupt stays corrupt', async () => {
    const [published] = await db().select().from(releases).where(eq(releases.status, 'published')).limit(1);
    const [other] = await db()
      .select()
      .from(releases)
      .where(sql`${releases.productId} <> ${published!.productId}`)
      .limit(1);
    for (const change of [
      { version: '99.0.0' },
      { productId: other!.productId },
      { publishedAt: new Date(0) },
      { changeRef: 'CHG-FORGED' },
    ]) {
      expect(await dbError(db().update(releases).set(change).where(eq(releases.id, published!.id)))).toMatch(/immutable/);
    }
    // What may still change: notes (a correction) and the lifecycle forward.
    await db().update(releases).set({ notes: 'Corrected notes.' }).where(eq(releases.id, published!.id));

    const [artifact] = await db().select().from(artifacts).where(eq(artifacts.releaseId, published!.id)).limit(1);
    expect(await dbError(db().update(artifacts).set({ fileName: 'evil.exe' }).where(eq(artifacts.id, artifact!.id)))).toMatch(/immutable/);
    expect(await dbError(db().update(artifacts).set({ mediaType: 'text/html' }).where(eq(artifacts.id, artifact!.id)))).toMatch(
      /immutable/,
    );
    await db().update(artifacts).set({ status: 'corrupt' }).where(eq(artifacts.id, artifact!.id));
    expect(await dbError(db().update(artifacts).set({ status: 'ok' }).where(eq(artifacts.id, artifact!.id)))).toMatch(/stays corrupt/);
  });

  it.runIf(restrictedUser)('the app’s database user cannot switch the protections off', async () => {
    expect(await dbError(db().execute(sql`ALTER TABLE install_events DISABLE TRIGGER ALL`))).toMatch(/must be owner/);
    expect(await dbError(db().execute(sql`ALTER TABLE releases DISABLE TRIGGER releases_lifecycle`))).toMatch(/must be owner/);
    expect(await dbError(db().execute(sql`SET session_replication_role = replica`))).toMatch(/permission denied/);
    expect(await dbError(db().execute(sql`DROP TRIGGER audit_events_append_only ON audit_events`))).toMatch(/must be owner/);
    expect(await dbError(db().execute(sql`UPDATE audit_events SET action = 'x'`))).toMatch(/permission denied/);
  });

  it('refuses a release moving backwards in its lifecycle', async () => {
    const [withdrawn] = await db().select().from(releases).where(eq(releases.status, 'withdrawn')).limit(1);
    expect(await dbError(db().update(releases).set({ status: 'published' }).where(eq(releases.id, withdrawn!.id)))).toMatch(/cannot move/);
  });
});
