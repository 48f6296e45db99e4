/**
 * CSV export benchmark (not a test), run by `npm run bench` when DATABASE_URL is set: the desk's
 * export of every install record (openInstallRecordsCsv: COPY streamed through the service) beside
 * `psql` running a COPY of the same rows to /dev/null, with the time, the ratio and this
 * process's RSS growth. Seed first: `npm run db:seed:scale` (or `-- --events 200000`).
 */
import { getDb } from '../db';
import { env } from '../lib/env';
import { csvCopyQuery } from '../lib/installs/csv-copy';
import { openInstallRecordsCsv } from '../lib/installs/csv-export';
import { resolveFilter } from '../lib/installs/records-query';
import { installEvents } from '../db/schema';
import { count } from 'drizzle-orm';
import { fmt, measure, MiB, run } from './tools';

async function main() {
  if (!env.DATABASE_URL) {
    console.log('CSV export benchmark skipped: DATABASE_URL is not set (it compares against psql COPY on PostgreSQL).');
    return;
  }
  const [{ n } = { n: 0 }] = await getDb().select({ n: count() }).from(installEvents);
  if (n === 0) {
    console.log('CSV export benchmark skipped: no install events; run `npm run db:seed:scale` first.');
    return;
  }
  const desk = { id: '00000000-0000-0000-0000-000000000000', email: 'bench@example.com', name: 'Bench', roles: ['service_desk'] as const };

  const before = process.memoryUsage().rss;
  const ours = await measure(async () => {
    const reader = (await openInstallRecordsCsv(desk, {})).getReader();
    let bytes = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length;
    return bytes;
  });

  // The same rows and columns, written by psql's COPY to /dev/null.
  const q = csvCopyQuery(await resolveFilter({})).toSQL();
  if (q.params.length) throw new Error('the unfiltered export has no parameters');
  const copy = `\\copy (${q.sql.replace(/\s+/g, ' ')}) to '/dev/null'`;
  const psql = await measure(() => run('psql', [env.DATABASE_URL!, '-v', 'ON_ERROR_STOP=1', '-c', copy], { maxBuffer: 1 << 20 }));

  // Stricter: psql COPY of the same joined rows as raw columns (PostgreSQL's own CSV, no formula guard).
  const raw =
    '\\copy (select e.occurred_at, e.type, d.hostname, e.device_id, u.name, u.email, p.name, p.slug, r.version, a.platform, e.sha256, ' +
    'e.request_id, ap.name, e.agent_version, e.exit_code, e.bytes, e.error_text, e.id from install_events e ' +
    'join devices d on d.id = e.device_id join products p on p.id = e.product_id join releases r on r.id = e.release_id ' +
    'join artifacts a on a.id = e.artifact_id left join users u on u.id = e.user_id left join users ap on ap.id = e.approver_id ' +
    "order by e.occurred_at desc, e.id desc) to '/dev/null' with csv";
  const psqlRaw = await measure(() => run('psql', [env.DATABASE_URL!, '-v', 'ON_ERROR_STOP=1', '-c', raw], { maxBuffer: 1 << 20 }));

  console.table([
    {
      path: `CSV export, ${n.toLocaleString('en')} rows`,
      product: `${fmt(ours.seconds, 2)} s (${fmt(ours.result / MiB)} MiB)`,
      baseline: `psql COPY raw columns ${fmt(psqlRaw.seconds, 2)} s; same lines ${fmt(psql.seconds, 2)} s`,
      ratio: `${fmt(ours.seconds / psqlRaw.seconds, 2)}; ${fmt(ours.seconds / psql.seconds, 2)}`,
      target: '≤ 2',
      'RSS growth MiB': fmt((ours.peakRss - before) / MiB),
      'RSS target': '< 64',
    },
  ]);
  process.exit(0); // The pool would keep the process alive.
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
