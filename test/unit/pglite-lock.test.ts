import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '@/db';
import { runMigrations } from '@/db/migrate';
import { engine } from '../support/db';

const root = path.resolve(__dirname, '../..');

/** Runs `npm run db:migrate` as a real second process against `dataDir`. */
function migrateInAnotherProcess(dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'db/migrate.ts'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
}

describe.runIf(engine === 'pglite')('PGlite second-process guard', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('refuses a second process with a clear message while the first holds the folder, and lets it in afterwards', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'portal-lock-'));
    dirs.push(dataDir);
    const first = createDb({ kind: 'pglite', dir: path.join(dataDir, 'pglite') });
    await runMigrations(first);

    const refused = migrateInAnotherProcess(dataDir);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('already open in another process');
    expect(refused.stderr).toContain(`pid ${process.pid}`);
    expect(refused.stderr).toContain('DATABASE_URL');

    await first.close();
    const allowed = migrateInAnotherProcess(dataDir);
    expect(allowed.stderr).toBe('');
    expect(allowed.stdout).toContain('Migrations applied (pglite)');
    expect(allowed.status).toBe(0);
  });

  it('takes over a lock left by a process that died', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'portal-lock-'));
    dirs.push(dataDir);
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    const lockFile = path.join(dataDir, 'pglite.lock');
    await writeFile(lockFile, String(dead.pid));

    const handle = createDb({ kind: 'pglite', dir: path.join(dataDir, 'pglite') });
    expect(await readFile(lockFile, 'utf8')).toBe(String(process.pid));
    await handle.close();
    await expect(readFile(lockFile, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
