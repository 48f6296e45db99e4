import { eq } from 'drizzle-orm';
import { createDb, setDbHandle } from './db';
import { users } from './db/schema';
import { installFilterInput } from './lib/installs/filters';
import { streamInstallRecordsCsv } from './lib/installs/queries';
const h = createDb({ kind: 'postgres', url: process.env.DATABASE_URL! }); setDbHandle(h);
const d = (await h.db.query.users.findFirst({ where: eq(users.email, 'desk@example.com') }))!;
const f = installFilterInput.parse(JSON.parse(process.argv[2]!));
let peak = 0; const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const t = Date.now(); let n = 0; let bytes = 0;
for await (const line of streamInstallRecordsCsv({ ...d }, f)) { n++; bytes += line.length; }
clearInterval(timer);
console.log(`${n - 1} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${Date.now() - t} ms = ${Math.round((n - 1) / ((Date.now() - t) / 1000))} rows/s; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
await h.close();
