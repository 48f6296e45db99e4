/**
 * `npm run db:check-current`: rebuilds what each device runs, and the adoption counts per day,
 * from the install ledger and compares them with device_current_installs, adoption_days and
 * adoption_error_days. Exits 1 and lists the differences when they disagree.
 */
import { checkAdoptionDays } from '../lib/installs/adoption-days';
import { checkCurrentInstalls } from '../lib/installs/current-table';
import { createDb } from './index';
import { runIfMain } from './run-script';

runIfMain(import.meta.url, async () => {
  const handle = createDb();
  try {
    const { rows, mismatches } = await checkCurrentInstalls(handle.db);
    if (mismatches.length === 0) console.log(`device_current_installs matches the ledger (${rows} rows, ${handle.kind}).`);
    else {
      console.error(`device_current_installs differs from the ledger in ${mismatches.length} place(s) (first 100 shown):`);
      for (const m of mismatches)
        console.error(`  device ${m.deviceId} product ${m.productId}: table ${m.table ?? '(none)'} · ledger ${m.ledger ?? '(none)'}`);
    }
    const adoption = await checkAdoptionDays(handle.db);
    if (adoption.days.length + adoption.errors.length === 0) console.log('adoption_days and adoption_error_days match the ledger.');
    for (const d of adoption.days)
      console.error(
        `  adoption_days ${d.productId} ${d.day} artifact ${d.artifactId}: table ${d.table ?? '(none)'} · ledger ${d.ledger ?? '(none)'}`,
      );
    for (const e of adoption.errors)
      console.error(
        `  adoption_error_days ${e.productId} ${e.day} ${JSON.stringify(e.errorText)}: table ${e.table ?? '(none)'} · ledger ${e.ledger ?? '(none)'}`,
      );
    if (mismatches.length + adoption.days.length + adoption.errors.length > 0) process.exitCode = 1;
  } finally {
    await handle.close();
  }
});
