/**
 * `npm run db:check-current`: rebuilds what each device runs from the install ledger and compares
 * it with device_current_installs. Exits 1 and lists the differences when they disagree.
 */
import { checkCurrentInstalls } from '../lib/installs/current-table';
import { createDb } from './index';
import { runIfMain } from './run-script';

runIfMain(import.meta.url, async () => {
  const handle = createDb();
  try {
    const { rows, mismatches } = await checkCurrentInstalls(handle.db);
    if (mismatches.length === 0) {
      console.log(`device_current_installs matches the ledger (${rows} rows, ${handle.kind}).`);
      return;
    }
    console.error(`device_current_installs differs from the ledger in ${mismatches.length} place(s) (first 100 shown):`);
    for (const m of mismatches)
      console.error(`  device ${m.deviceId} product ${m.productId}: table ${m.table ?? '(none)'} · ledger ${m.ledger ?? '(none)'}`);
    process.exitCode = 1;
  } finally {
    await handle.close();
  }
});
