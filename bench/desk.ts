/**
 * Service desk query benchmark (not a test): `npm run bench:desk`, against PostgreSQL only
 * (DATABASE_URL). It expects the scale seed (`npm run db:seed:scale`); with `--seed` it loads one
 * itself into a demo-seeded database that has none (`--seed --devices 5000 --events 100000`).
 *
 * For each case it times `listInstallRecords` as the page calls it (median and p95 of 20 runs,
 * after 2 warm-ups: planning, the round trip and DTO mapping included) next to PostgreSQL's own
 * execution time for the same SQL (EXPLAIN ANALYZE, median of 5), names the indexes the plan
 * used, and then times the CSV export and the device and adoption views.
 */
import { and, desc, eq, like, sql } from 'drizzle-orm';
import pg from 'pg';
import { createDb, setDbHandle } from '../db';
import { devices, installEvents, releases, users } from '../db/schema';
import { scaleOptions, SCALE_DOMAIN, seedScale } from '../db/seed-scale';
import type { Actor } from '../lib/auth/roles';
import { decodeCursor, installFilterInput, type InstallFilter } from '../lib/installs/filters';
import {
  devicesOnRelease,
  getDeviceView,
  getProductAdoption,
  listInstallRecords,
  recordsQuery,
  resolveFilter,
  streamInstallRecordsCsv,
} from '../lib/installs/queries';

const RUNS = 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const indexesOf = (n: PlanNode): string[] => [...(n['Index Name'] ? [n['Index Name']] : []), ...(n.Plans ?? []).flatMap(indexesOf)];

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      'DATABASE_URL is not set: this benchmark runs against PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/portal_bench).',
    );
    // Part of `npm run bench`, which must not fail on a machine without PostgreSQL configured.
    process.exit(process.argv.includes('--if-configured') ? 0 : 1);
  }
  const handle = createDb({ kind: 'postgres', url });
  setDbHandle(handle);
  const db = handle.db;
  const raw = new pg.Pool({ connectionString: url, max: 1 });
  try {
    if ((await db.$count(users, like(users.email, `%@${SCALE_DOMAIN}`))) === 0) {
      if (!process.argv.includes('--seed'))
        throw new Error('No scale seed in this database: run `npm run db:seed:scale` first, or pass --seed.');
      // --seed is this script's switch; the scale seeder would read it as its random seed's flag.
      await seedScale(db, scaleOptions(process.argv.slice(2).filter((a) => a !== '--seed')));
    }
    const desk = await db.query.users.findFirst({ where: eq(users.email, 'desk@example.com') });
    if (!desk) throw new Error('No desk@example.com: this is not a demo-seeded database.');
    const actor: Actor = { id: desk.id, email: desk.email, name: desk.name, roles: desk.roles };
    const total = await db.$count(installEvents);
    const version = (await raw.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    console.log(`Service desk benchmark: ${total.toLocaleString('en')} install events, PostgreSQL ${version}, ${RUNS} runs a case\n`);

    // Cases from the data itself: a real surname, a real hostname fragment, the middle of the ledger.
    const [someone] = await db
      .select({ name: users.name })
      .from(users)
      .where(like(users.email, `%@${SCALE_DOMAIN}`))
      .limit(1);
    const surname = someone!.name.split(' ').at(-1)!;
    const [mid] = await db
      .select({
        at: sql<string>`to_char(${installEvents.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        id: installEvents.id,
      })
      .from(installEvents)
      .orderBy(desc(installEvents.occurredAt), desc(installEvents.id))
      .offset(Math.floor(total / 2))
      .limit(1);
    const midCursor = Buffer.from(`${mid!.at}~${mid!.id}`).toString('base64url');
    const page1 = await listInstallRecords(actor, {});
    const f = (r: Record<string, string>): InstallFilter => installFilterInput.parse(r);
    const cases: { name: string; filter: InstallFilter; cursor?: string }[] = [
      { name: 'first page, no filter', filter: {} },
      { name: 'product = google-chrome', filter: f({ product: 'google-chrome' }) },
      { name: 'outcome = install_failed', filter: f({ outcome: 'install_failed' }) },
      { name: `user contains "${surname}"`, filter: f({ user: surname }) },
      { name: 'user contains ".1234@" (one person)', filter: f({ user: '.1234@' }) },
      { name: 'device contains "SYD-LT-0001"', filter: f({ device: 'SYD-LT-0001' }) },
      { name: 'version = 8.8.1 (withdrawn)', filter: f({ version: '8.8.1' }) },
      {
        name: 'product + failed + 30 days',
        filter: f({ product: 'firefox', outcome: 'install_failed', from: new Date(Date.now() - 30 * 864e5).toISOString().slice(0, 10) }),
      },
      { name: 'page 2 (cursor)', filter: {}, cursor: page1.nextCursor ?? undefined },
      { name: 'middle of the ledger (cursor)', filter: {}, cursor: midCursor },
    ];

    const table: Record<string, string | number>[] = [];
    for (const c of cases) {
      for (let i = 0; i < 2; i++) await listInstallRecords(actor, c.filter, c.cursor);
      const service: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const [t, page] = await time(() => listInstallRecords(actor, c.filter, c.cursor));
        service.push(t);
        rows = page.rows.length;
      }
      const q = recordsQuery(await resolveFilter(c.filter), c.cursor ? decodeCursor(c.cursor) : undefined, 51).toSQL();
      const exec: number[] = [];
      const plan: number[] = [];
      let indexes: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await raw.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number; 'Planning Time': number }] }>(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`,
          q.params as unknown[],
        );
        const [p] = r.rows[0]!['QUERY PLAN'];
        exec.push(p['Execution Time']);
        plan.push(p['Planning Time']);
        indexes = [...new Set(indexesOf(p.Plan))].filter((n) => n.startsWith('install_events'));
      }
      table.push({
        case: c.name,
        rows,
        'service median ms': ms(median(service)),
        'service p95 ms': ms(p95(service)),
        'SQL exec ms': ms(median(exec)),
        'SQL plan ms': ms(median(plan)),
        'install_events index': indexes.join(' + ') || '(none)',
      });
    }
    console.table(table);

    const [csvSeconds, csvRows] = await time(async () => {
      let n = -1;
      for await (const _line of streamInstallRecordsCsv(actor, f({ product: 'google-chrome' }))) n++;
      return n;
    });
    const rss = process.memoryUsage().rss / 2 ** 20;
    console.log(
      `CSV export, product = google-chrome: ${csvRows.toLocaleString('en')} rows in ${ms(csvSeconds)} ms (${Math.round(csvRows / (csvSeconds / 1000)).toLocaleString('en')} rows/s), RSS afterwards ${rss.toFixed(0)} MiB`,
    );

    const busiest = await db
      .select({ id: installEvents.deviceId, n: sql<number>`count(*)`.mapWith(Number) })
      .from(installEvents)
      .groupBy(installEvents.deviceId)
      .orderBy(desc(sql`count(*)`))
      .limit(1);
    const [withdrawn] = await db
      .select({ id: releases.id })
      .from(releases)
      .where(and(eq(releases.version, '8.8.1')));
    const views: [string, () => Promise<unknown>][] = [
      [`device view (busiest device, ${busiest[0]!.n} events)`, () => getDeviceView(actor, busiest[0]!.id)],
      [
        'device view (a typical device)',
        async () => getDeviceView(actor, (await db.select({ id: devices.id }).from(devices).limit(1).offset(100))[0]!.id),
      ],
      ['product adoption: google-chrome', () => getProductAdoption(actor, 'google-chrome')],
      ['product adoption: notepad-plus-plus', () => getProductAdoption(actor, 'notepad-plus-plus')],
      ['devices on withdrawn notepad++ 8.8.1', () => devicesOnRelease(actor, withdrawn!.id)],
    ];
    const viewRows = [];
    for (const [name, fn] of views) {
      await fn();
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) runs.push((await time(fn))[0]);
      viewRows.push({ view: name, 'median ms (5 runs)': ms(median(runs)) });
    }
    console.table(viewRows);
  } finally {
    await raw.end();
    await handle.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `Error: ${e.message}` : e);
  process.exit(1);
});
