import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { demo, signIn } from './support';

/**
 * The README's first command, as a new user runs it: `npm run dev` on an empty data folder,
 * no DATABASE_URL and no AUTH_SECRET. It must migrate, seed and serve the portal on PGlite.
 */
test('npm run dev on an empty data folder gives a running portal with demo data', async ({ browser }) => {
  test.setTimeout(300_000);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'portal-fresh-'));
  const port = 3300 + Math.floor(Math.random() * 500);
  const { DATABASE_URL: _db, DATABASE_MIGRATION_URL: _owner, AUTH_SECRET: _secret, NODE_ENV: _mode, ...inherited } = process.env;
  const env = { ...inherited, NODE_ENV: 'development' as const, DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1' };
  let output = '';
  const dev: ChildProcess = spawn('npm', ['run', 'dev', '--', '-p', String(port), '-H', '127.0.0.1'], { env, detached: true });
  dev.stdout?.on('data', (d) => (output += d));
  dev.stderr?.on('data', (d) => (output += d));
  try {
    await expect
      .poll(
        async () =>
          fetch(`http://127.0.0.1:${port}/sign-in`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 240_000, intervals: [1000] },
      )
      .toBe(200);
    expect(output).toContain('Migrations applied (pglite)');
    expect(output).toMatch(/Demo data ready \(pglite\): \d+ products/);
    expect(existsSync(path.join(dataDir, 'auth-secret'))).toBe(true);

    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
    const page = await context.newPage();
    // The dev server compiles each page on its first visit, which takes a while on a busy machine.
    await signIn(page, demo.requester, undefined, 120_000);
    await expect(page.getByTestId('product-name').first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('result-count')).toHaveText(/^\d{2} products$/);
    await context.close();
  } finally {
    if (dev.pid) process.kill(-dev.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('the built portal refuses to start in production without AUTH_SECRET, saying why', async () => {
  const { AUTH_SECRET: _secret, ...inherited } = process.env;
  // The build this run's web server made (see playwright.config.ts).
  const env = {
    ...inherited,
    NODE_ENV: 'production' as const,
    NEXT_TELEMETRY_DISABLED: '1',
    // `npm test` serves the README's own build (.next); run alone, the suite builds a private one.
    ...(process.env.E2E_PREBUILT === '1' ? {} : { NEXT_DIST_DIR: `.next-e2e-${process.env.E2E_PORT}` }),
  };
  const port = 3900 + Math.floor(Math.random() * 50);
  const start = spawn('npx', ['next', 'start', '-p', String(port)], { env });
  let output = '';
  start.stdout?.on('data', (d) => (output += d));
  start.stderr?.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      start.kill('SIGKILL');
      resolve(null);
    }, 60_000);
    start.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect(code, output).toBe(1);
  expect(output).toContain('The portal cannot start: AUTH_SECRET is not set.');
});
