import pg from 'pg';
import { createDb, setDbHandle } from './db';
import { installFilterInput } from './lib/installs/filters';
import { recordsQuery } from './lib/installs/queries';
const url = process.env.DATABASE_URL!;
setDbHandle(createDb({ kind: 'postgres', url }));
const raw = new pg.Pool({ connectionString: url });
for (const r of JSON.parse(process.argv[2]!)) {
  const q = recordsQuery(installFilterInput.parse(r), undefined, Number(process.argv[3] ?? 51)).toSQL();
  const res = await raw.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params as unknown[]);
  console.log(JSON.stringify(r)); console.log(res.rows.map((x) => x['QUERY PLAN']).join('\n'));
}
await raw.end(); process.exit(0);
