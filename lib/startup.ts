import { LocalStorage } from './dml/local-storage';
import { authSecret, dmlStorageDir } from './env';

/**
 * Refuses to start without the configuration production needs (the env module has already
 * validated every variable when it was imported), and removes temporary files of uploads that
 * a previous process never finished.
 */
export async function checkStartup(): Promise<void> {
  try {
    authSecret();
  } catch (e) {
    console.error(`\nThe portal cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  // A store of its own: this module runs in the instrumentation layer, apart from the routes.
  const removed = await new LocalStorage(dmlStorageDir).cleanTemporaryFiles();
  if (removed > 0) console.log(`Removed ${removed} unfinished upload(s) from the media library's temporary folder.`);
}
