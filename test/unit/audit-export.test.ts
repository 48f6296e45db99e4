import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { devices, products, releases } from '@/db/schema';
import { openAuditCsv } from '@/lib/audit/export';
import { auditFilterInput, listAuditEvents } from '@/lib/audit/queries';
import { recordAudit } from '@/lib/audit/service';
import { ForbiddenError } from '@/lib/errors';
import { actor } from '../support/actors';
import { parseCsv } from '../support/csv';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe(`audit log names and export (${engine})`, () => {
  it('names the entity of each event instead of showing its id', async () => {
    const admin = await actor('admin@example.com');
    const firefox = (await db().query.products.findFirst({ where: eq(products.slug, 'firefox') }))!;
    const release = (await db().query.releases.findFirst({ where: eq(releases.productId, firefox.id) }))!;
    const device = (await db().query.devices.findFirst({ where: eq(devices.hostname, 'alice-mbp') }))!;
    const alice = await actor('alice@example.com');
    await recordAudit({ actor: { kind: 'user', id: admin.id }, action: 'test.touched', entityType: 'release', entityId: release.id });
    await recordAudit({ actor: { kind: 'user', id: admin.id }, action: 'test.touched', entityType: 'device', entityId: device.id });
    await recordAudit({ actor: { kind: 'user', id: admin.id }, action: 'test.touched', entityType: 'user', entityId: alice.id });
    await recordAudit({ actor: { kind: 'user', id: admin.id }, action: 'test.touched', entityType: 'gadget', entityId: 'g-1' });
    const page = await listAuditEvents(admin, auditFilterInput.parse({ action: 'test.' }));
    expect(page.events.map((e) => e.entityName)).toEqual([
      null,
      'Alice Anders <alice@example.com>',
      'alice-mbp',
      `Mozilla Firefox ${release.version}`,
    ]);
  });

  it('exports every event the filters select as CSV, across batches, for admins only', async () => {
    const admin = await actor('admin@example.com');
    for (let i = 0; i < 1203; i++) {
      await recordAudit({ actor: { kind: 'system' }, action: 'bulk.made', entityType: 'gadget', entityId: `g-${i}`, after: { i } });
    }
    await recordAudit({
      actor: { kind: 'system' },
      action: 'other.made',
      entityType: 'gadget',
      entityId: 'x',
      after: { note: '=HYPERLINK("x")' },
    });
    const csv = parseCsv(await readAll(await openAuditCsv(admin, auditFilterInput.parse({ action: 'bulk.' }))));
    const [header, ...rows] = csv;
    expect(header).toEqual([
      'at',
      'actor_kind',
      'actor',
      'actor_detail',
      'actor_id',
      'action',
      'entity_type',
      'entity',
      'entity_id',
      'before',
      'after',
      'event_id',
    ]);
    expect(rows).toHaveLength(1203);
    expect(new Set(rows.map((r) => r[8])).size).toBe(1203); // no row twice across batch boundaries
    expect(rows.every((r) => r[5] === 'bulk.made')).toBe(true);
    expect(rows[0]![10]).toBe('{"i":1202}'); // newest first

    const other = parseCsv(await readAll(await openAuditCsv(admin, auditFilterInput.parse({ action: 'other.' }))));
    expect(other[1]![10]).toBe('{"note":"=HYPERLINK(\\"x\\")"}'); // JSON starts with "{": no formula

    await expect(openAuditCsv(await actor('desk@example.com'), {})).rejects.toBeInstanceOf(ForbiddenError);
  });
});
