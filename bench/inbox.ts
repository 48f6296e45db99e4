/**
 * Approver inbox benchmark (not a test): `npm run bench:inbox`, against PostgreSQL only. DATABASE_URL
 * names the server; the benchmark creates a database of its own there, seeds 10,000 pending
 * requests (`--pending N`) in SQL, and drops it at the end (`--keep` keeps it).
 *
 * For each case it times `listInbox` as the page calls it (median and p95 of 20 runs after 2
 * warm-ups: the round trip and DTO mapping included) beside the raw SQL of the same statement
 * sent with `pg` (median of 20) and PostgreSQL's own execution time (EXPLAIN ANALYZE, median of 5).
 * Then it adds 10,000 pending requests the typical approver cannot decide, and 20,000 closed ones,
 * and times the typical approver again: the inbox's cost must not follow them.
 */
import { eq } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { users } from '../db/schema';
import type { Actor } from '../lib/auth/roles';
import { inboxStatement, listInbox, type InboxFilter } from '../lib/requests/inbox';
import { addUndecidable, BENCH_ACTORS, seedInboxWorld } from './inbox-seed';
import { median, withScratchPostgres } from './tools';

const RUNS = 20;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

interface Case {
  name: string;
  actor: Actor;
  filter: InboxFilter;
}

async function measure(raw: pg.Client, c: Case): Promise<Record<string, string | number>> {
  for (let i = 0; i < 2; i++) await listInbox(c.actor, c.filter);
  const service: number[] = [];
  let rows = 0;
  let total = 0;
  for (let i = 0; i < RUNS; i++) {
    const [t, page] = await time(() => listInbox(c.actor, c.filter));
    service.push(t);
    rows = page.rows.length;
    total = page.total;
  }
  const q = new PgDialect().sqlToQuery(inboxStatement(c.actor.id, { ...c.filter, pageSize: 50 }));
  const sqlRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) sqlRuns.push((await time(() => raw.query(q.sql, q.params as unknown[])))[0]);
  const exec: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await raw.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`,
      q.params as unknown[],
    );
    exec.push(r.rows[0]!['QUERY PLAN'][0]['Execution Time']);
  }
  return {
    case: c.name,
    'rows / total': `${rows} / ${total}`,
    'service median ms': ms(median(service)),
    'service p95 ms': ms(p95(service)),
    'raw SQL median ms': ms(median(sqlRuns)),
    'SQL exec ms': ms(median(exec)),
    'service ÷ raw SQL': (median(service) / median(sqlRuns)).toFixed(2),
  };
}

/** The cursor of page `n` (1-based), by walking the pages as a user would. */
async function pageCursor(actor: Actor, n: number, filter: InboxFilter = {}): Promise<string | undefined> {
  let after: string | undefined;
  for (let i = 1; i < n; i++) after = (await listInbox(actor, { ...filter, after })).nextCursor ?? after;
  return after;
}

async function main() {
  const pending = arg('--pending', 10_000);
  await withScratchPostgres('inbox', async ({ handle, raw }) => {
    const [seconds] = await time(() => seedInboxWorld(raw, pending));
    const version = (await raw.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    console.log(
      `Approver inbox benchmark: ${pending.toLocaleString('en')} pending requests (seeded in ${(seconds / 1000).toFixed(1)} s), PostgreSQL ${version}, ${RUNS} runs a case\n`,
    );
    const as = async (email: string): Promise<Actor> => {
      const u = await handle.db.query.users.findFirst({ where: eq(users.email, email) });
      return { id: u!.id, email: u!.email, name: u!.name, roles: u!.roles };
    };
    const [typical, busy, requester] = await Promise.all([as(BENCH_ACTORS.typical), as(BENCH_ACTORS.busy), as(BENCH_ACTORS.requester)]);
    const cases = async (): Promise<Case[]> => [
      { name: 'typical approver, first page (due)', actor: typical, filter: {} },
      { name: 'typical approver, newest first', actor: typical, filter: { sort: 'newest' } },
      { name: 'typical approver, search "okafor"', actor: typical, filter: { q: 'okafor' } },
      { name: 'typical approver, page 5 (cursor)', actor: typical, filter: { after: await pageCursor(typical, 5) } },
      { name: 'busy approver (every group), first page', actor: busy, filter: {} },
      { name: 'busy approver, search "tool 17"', actor: busy, filter: { q: 'tool 17' } },
      { name: 'busy approver, page 50 (cursor)', actor: busy, filter: { after: await pageCursor(busy, 50) } },
      { name: 'requester without the approver role', actor: requester, filter: {} },
    ];
    const before = [];
    for (const c of await cases()) before.push(await measure(raw, c));
    console.table(before);

    const [more] = await time(() => addUndecidable(raw, 10_000, 20_000));
    const { n } = (await raw.query<{ n: number }>(`select count(*)::int as n from service_requests where status = 'pending_approval'`))
      .rows[0]!;
    console.log(
      `\nAdded 10,000 pending requests on other people's stages and 20,000 closed ones (${(more / 1000).toFixed(1)} s): ${n.toLocaleString('en')} pending now.`,
    );
    const after = [];
    for (const c of (await cases()).filter((c) => c.actor === typical || c.name.includes('first page'))) after.push(await measure(raw, c));
    console.table(after);
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `Error: ${e.message}` : e);
  process.exit(1);
});
