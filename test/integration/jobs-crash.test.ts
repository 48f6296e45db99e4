import { PGlite } from '@electric-sql/pglite';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDb, getDb, pgliteExtensions, setDbHandle, type DbHandle } from '@/db';
import { JobQueue } from '@/lib/jobs/queue';
import { engine, setupTestDb } from '../support/db';
import { testQueueSettings } from '../support/jobs';
import { decodeQuotedPrintable } from '../support/mail';

// The worker started below reads SMTP_URL when lib/env is first imported.
const port = vi.hoisted(() => {
  const p = 20000 + Math.floor(Math.random() * 20000);
  process.env.SMTP_URL = `smtp://127.0.0.1:${p}`;
  return p;
});

setupTestDb();
const received: { to: string[]; body: string }[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    let body = '';
    stream.on('data', (c: Buffer) => (body += c.toString()));
    stream.on('end', () => {
      // Mail with approval links has long lines, which nodemailer sends quoted-printable.
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), body: decodeQuotedPrintable(body) });
      callback();
    });
  },
});

// PGlite: the crashing process and the restarted worker share a data folder on disk, as a
// restarted `npm run dev` would. PostgreSQL: both connect to this file's test database.
let pgliteDir: string | undefined;
let restarted: DbHandle | undefined;
let worker: JobQueue | undefined;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  if (engine === 'pglite') {
    pgliteDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'portal-crash-')), 'pglite');
    const seeded = new PGlite(pgliteDir, {
      loadDataDir: new Blob([await readFile(inject('pgliteTemplate'))]),
      extensions: pgliteExtensions,
    });
    await seeded.close();
  }
});
afterAll(async () => {
  await worker?.stop(2000);
  await restarted?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (pgliteDir) await rm(path.dirname(pgliteDir), { recursive: true, force: true });
});

/** Runs the child until it reports its commit, then kills it with SIGKILL. */
async function commitAndCrash(): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, SMTP_URL: `smtp://127.0.0.1:${port}`, NODE_ENV: 'test' };
  if (pgliteDir) env.CRASH_PGLITE_DIR = pgliteDir;
  else env.DATABASE_URL = (getDb() as unknown as { $client: Pool }).$client.options.connectionString!;
  // node itself with tsx as a loader (not the tsx CLI, which would run the script in a grandchild).
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-child.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
  let out = '';
  const committed = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { committed: string }).committed);
    });
    void exited.then(() => reject(new Error(`the child exited before committing: ${out}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return committed;
}

describe(`crash between commit and delivery (${engine})`, () => {
  it('a restarted worker delivers the mail a killed process committed, exactly once', async () => {
    const requestId = await commitAndCrash();
    expect(received).toHaveLength(0); // the child ran no worker: nothing was delivered before it died

    if (pgliteDir) {
      restarted = createDb({ kind: 'pglite', dir: pgliteDir }); // takes over the dead process's lock
      setDbHandle(restarted);
    }
    worker = new JobQueue(getDb(), testQueueSettings);
    await worker.start();

    const forRequest = () => received.filter((m) => m.to.includes('manager@example.com') && m.body.includes(`/approvals/${requestId}`));
    await expect.poll(() => forRequest().length, { timeout: 15_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 2000)); // several more polls: no second delivery
    expect(forRequest()).toHaveLength(1);
    expect(received).toHaveLength(1);
  }, 60_000);
});
