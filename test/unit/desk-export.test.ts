import { eq, sql } from 'drizzle-orm';
import type { Pool } from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifacts, devices, products, releases, users } from '@/db/schema';
import { ForbiddenError } from '@/lib/errors';
import { openInstallRecordsCsv } from '@/lib/installs/csv-export';
import { installFilterInput } from '@/lib/installs/filters';
import { csvHeader, streamInstallRecordsCsv } from '@/lib/installs/queries';
import { actor } from '../support/actors';
import { parseCsv } from '../support/csv';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const ROWS = 12_000;
const hostile = [
  '=HYPERLINK("http://evil.example/?q=1","Click, here")\r\nsecond line, with "quotes"',
  '@SUM(A1)',
  '+1',
  '-2',
  '\tindented',
  '\rcarriage',
  'plain text',
  'comma, only',
  'quote " only',
  'Müller ünïcödé ✓',
  '',
];

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.concat(parts)); // Keeps the BOM.
}
async function batched(filter: Record<string, string>): Promise<string> {
  let out = '\uFEFF';
  for await (const line of streamInstallRecordsCsv(await actor('desk@example.com'), installFilterInput.parse(filter), 1000)) out += line;
  return out;
}

beforeAll(async () => {
  // A ledger of ROWS events with every kind of cell: no user, hostile text, null and negative
  // numbers, approvers, request ids, and times with microseconds.
  const [device] = await db().select().from(devices).where(eq(devices.hostname, 'bob-studio'));
  const [a] = await db()
    .select({ id: artifacts.id, releaseId: releases.id, productId: products.id, sha256: artifacts.sha256 })
    .from(artifacts)
    .innerJoin(releases, eq(releases.id, artifacts.releaseId))
    .innerJoin(products, eq(products.id, releases.productId))
    .where(eq(products.slug, 'postman'))
    .limit(1);
  const [approver] = await db().select().from(users).where(eq(users.email, 'manager@example.com'));
  const texts = sql.join(
    hostile.map((t) => sql`${t}`),
    sql`, `,
  );
  await db().execute(sql`
    insert into install_events (type, device_id, user_id, product_id, release_id, artifact_id, sha256, approver_id,
                                agent_version, exit_code, error_text, bytes, occurred_at)
    select (array['download_started','download_completed','install_succeeded','install_failed','uninstalled'])[1 + g % 5]::install_event_type,
           ${device!.id}, case when g % 7 = 0 then null else ${device!.ownerId}::uuid end,
           ${a!.productId}, ${a!.releaseId}, ${a!.id}, ${a!.sha256},
           case when g % 3 = 0 then ${approver!.id}::uuid end,
           case when g % 4 = 0 then null else (array[${texts}])[1 + g % ${hostile.length}] end,
           case when g % 5 = 3 then -1 when g % 5 = 2 then 0 end,
           case when g % 2 = 0 then (array[${texts}])[1 + (g / 2) % ${hostile.length}] end,
           case when g % 5 < 2 then g * 1000 end,
           timestamptz '2004-01-01 00:00:00Z' + g * interval '1.234567 second'
    from generate_series(1, ${ROWS}) g`);
});

describe(`install records CSV export (${engine})`, () => {
  it('is byte for byte the file the batched reader writes, filtered or not, on either engine', async () => {
    const desk = await actor('desk@example.com');
    const filters: Record<string, string>[] = [
      {},
      { outcome: 'install_failed' },
      { from: '2004-01-01', to: '2004-01-01' },
      { device: 'bob', user: 'bob@' },
    ];
    for (const f of filters) {
      const exported = await text(await openInstallRecordsCsv(desk, installFilterInput.parse(f)));
      expect(exported).toBe(await batched(f));
      const rows = parseCsv(exported.slice(1));
      expect(rows[0]).toEqual([...csvHeader]);
      expect(rows.every((r) => r.length === csvHeader.length)).toBe(true);
    }
    // This file's own ledger is all on 2004-01-01; the demo seed's history is recent.
    const all = parseCsv(
      (await text(await openInstallRecordsCsv(desk, installFilterInput.parse({ from: '2004-01-01', to: '2004-01-01' })))).slice(1),
    );
    expect(all).toHaveLength(1 + ROWS);
    expect(all.some((r) => r[csvHeader.indexOf('error_text')] === "'@SUM(A1)")).toBe(true);
  }, 120_000);

  it('checks the role before reading anything', async () => {
    await expect(openInstallRecordsCsv(await actor('alice@example.com'), {})).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('a client that goes away stops the query and gives the connection back', async () => {
    const stream = await openInstallRecordsCsv(await actor('desk@example.com'), {});
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value!)).toContain('occurred_at');
    await reader.read();
    await reader.cancel();
    if (engine !== 'postgres') return;
    const pool = (db() as unknown as { $client: Pool }).$client;
    expect(pool.totalCount - pool.idleCount).toBe(0); // No connection is still lent out.
    // The server ended the COPY: no backend of this database is still running it.
    for (let i = 0; i < 50; i++) {
      const running = await db().execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and query like 'COPY (%' and pid <> pg_backend_pid()`,
      );
      if ((running.rows[0] as { n: number }).n === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the COPY is still running on the server after the client went away');
  });
});
