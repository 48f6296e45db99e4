import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runIfMain } from '../db/run-script';
import { createDb, setDbHandle } from '../db';
import { importAdvisories } from '../lib/trust/advisories';

/**
 * `npm run advisories:import <folder>`: imports every *.json OSV file in the folder (offline, e.g.
 * an unpacked https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip). All or nothing.
 */
runIfMain(import.meta.url, async () => {
  const folder = process.argv[2];
  if (!folder) throw new Error('Usage: npm run advisories:import <folder of OSV JSON files>');
  const handle = createDb();
  setDbHandle(handle);
  try {
    const names = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort();
    const files = await Promise.all(names.map(async (name) => ({ name, text: await readFile(path.join(folder, name), 'utf8') })));
    const { imported } = await importAdvisories('system', files);
    console.log(`Imported ${imported} advisories from ${names.length} files.`);
  } finally {
    await handle.close();
  }
});
