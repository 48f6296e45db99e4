import { runIfMain } from '../db/run-script';
import { createDb, setDbHandle } from '../db';
import { createStorage } from '../lib/dml';
import { S3Storage } from '../lib/dml/s3-storage';
import { scrubArtifacts } from '../lib/dml/maintenance';

/** npm run dml:scrub — re-verifies every artifact in the media library; exits 2 if any is corrupt. */
runIfMain(import.meta.url, async () => {
  // Opened and closed here: a database pool or the S3 client's keep-alive sockets left open
  // would keep the process from exiting.
  const handle = createDb();
  setDbHandle(handle);
  const storage = createStorage();
  try {
    const started = Date.now();
    const result = await scrubArtifacts(storage, (done, row, ok) => {
      if (!ok) console.log(`CORRUPT  artifact ${row.id} (object ${row.storageKey})`);
      if (done % 100 === 0) console.log(`… ${done} artifacts checked`);
    });
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `Checked ${result.checked} artifact(s), ${(result.bytes / 1024 ** 2).toFixed(1)} MiB in ${seconds.toFixed(1)} s: ` +
        `${result.corrupt.length} corrupt (marked corrupt and audited; replace their releases).`,
    );
    for (const c of result.corrupt) console.log(`  ${c.artifactId}: ${c.failure.reason} at block ${c.failure.blockIndex}`);
    if (result.corrupt.length > 0) process.exitCode = 2;
  } finally {
    if (storage instanceof S3Storage) storage.client.destroy();
    await handle.close();
  }
});
