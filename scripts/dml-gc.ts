import { parseArgs } from 'node:util';
import { runIfMain } from '../db/run-script';
import { createDb, setDbHandle } from '../db';
import { createStorage } from '../lib/dml';
import { S3Storage } from '../lib/dml/s3-storage';
import { collectGarbage } from '../lib/dml/maintenance';

/**
 * npm run dml:gc [-- --delete] [--grace-hours N] — lists (or with --delete removes) stored objects
 * no artifact or product icon refers to, older than the grace period (default 24 h).
 */
runIfMain(import.meta.url, async () => {
  // Opened and closed here: a database pool or the S3 client's keep-alive sockets left open
  // would keep the process from exiting.
  const handle = createDb();
  setDbHandle(handle);
  const storage = createStorage();
  try {
    const { values } = parseArgs({
      options: { delete: { type: 'boolean', default: false }, 'grace-hours': { type: 'string', default: '24' } },
    });
    const graceHours = Number(values['grace-hours']);
    if (!Number.isFinite(graceHours) || graceHours < 0) throw new Error('--grace-hours must be a number of hours (0 or more).');
    const result = await collectGarbage(storage, { graceHours, remove: values.delete });
    for (const o of result.unreferenced)
      console.log(`${values.delete ? 'removed' : 'would remove'}  ${o.key}  ${o.size} bytes  ${o.modifiedAt.toISOString()}`);
    const bytes = result.unreferenced.reduce((n, o) => n + o.size, 0);
    console.log(
      `Scanned ${result.scanned} stored object(s); ${result.unreferenced.length} unreferenced and older than ${graceHours} h ` +
        `(${(bytes / 1024 ** 2).toFixed(1)} MiB). ` +
        (values.delete ? `Removed ${result.removed}.` : 'Dry run: nothing removed (add --delete to remove them).'),
    );
  } finally {
    if (storage instanceof S3Storage) storage.client.destroy();
    await handle.close();
  }
});
