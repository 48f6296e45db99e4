import { parseArgs } from 'node:util';
import { runIfMain } from '../db/run-script';
import { getStorage } from '../lib/dml';
import { collectGarbage } from '../lib/dml/maintenance';

/**
 * npm run dml:gc [-- --delete] [--grace-hours N] — lists (or with --delete removes) stored objects
 * no artifact or product icon refers to, older than the grace period (default 24 h).
 */
runIfMain(import.meta.url, async () => {
  const { values } = parseArgs({
    options: { delete: { type: 'boolean', default: false }, 'grace-hours': { type: 'string', default: '24' } },
  });
  const graceHours = Number(values['grace-hours']);
  if (!Number.isFinite(graceHours) || graceHours < 0) throw new Error('--grace-hours must be a number of hours (0 or more).');
  const result = await collectGarbage(getStorage(), { graceHours, remove: values.delete });
  for (const o of result.unreferenced)
    console.log(`${values.delete ? 'removed' : 'would remove'}  ${o.key}  ${o.size} bytes  ${o.modifiedAt.toISOString()}`);
  const bytes = result.unreferenced.reduce((n, o) => n + o.size, 0);
  console.log(
    `Scanned ${result.scanned} stored object(s); ${result.unreferenced.length} unreferenced and older than ${graceHours} h ` +
      `(${(bytes / 1024 ** 2).toFixed(1)} MiB). ` +
      (values.delete ? `Removed ${result.removed}.` : 'Dry run: nothing removed (add --delete to remove them).'),
  );
});
