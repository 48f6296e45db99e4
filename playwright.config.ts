import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Each run gets its own port, build folder and data folder, so two runs on one machine (two
// developers, or CI beside a developer) never share a server or a build. Set here, inherited by workers.
process.env.E2E_PORT ??= String(3200 + Math.floor(Math.random() * 700));
const port = Number(process.env.E2E_PORT);
const distDir = `.next-e2e-${port}`;
const dataDir = `.data/e2e-${port}`;
export const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium where it exists (CI and the dev machines have no browser downloads);
// elsewhere Playwright's own browser.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

// The app under test: built and started as in production, on a fresh data folder (PGlite), or on
// the PostgreSQL database in DATABASE_URL when it is set.
const prebuilt = process.env.E2E_PREBUILT === '1';
const serverEnv = {
  DATA_DIR: dataDir,
  ...(prebuilt ? {} : { NEXT_DIST_DIR: distDir }),
  AUTH_SECRET: 'e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
  NEXT_TELEMETRY_DISABLED: '1',
  SIGNIN_MAX_FAILURES_PER_ADDRESS: '50',
  // Mail goes to the suite's own SMTP server (test/e2e/mailbox.ts), with links back to this server.
  SMTP_URL: `smtp://127.0.0.1:${port + 20000}`,
  APP_URL: baseURL,
};

export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/mailbox.ts',
  globalTeardown: './test/e2e/teardown.ts',
  outputDir: `test-results/e2e-${port}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    // `npm test` has just run the README's `npm run build` (type check on) into .next: the app
    // under test is that very build. Run on its own, the suite builds a private copy.
    command: (prebuilt
      ? [`rm -rf ${dataDir}`, 'npm run db:setup', `npx next start -p ${port} -H 127.0.0.1`]
      : [
          `rm -rf ${dataDir} ${distDir}`,
          `echo '{ "extends": "./tsconfig.json" }' > ${distDir}.tsconfig.json`,
          'npm run db:setup',
          'node scripts/build-agent.mjs',
          'npx next build',
          `npx next start -p ${port} -H 127.0.0.1`,
        ]
    ).join(' && '),
    url: `${baseURL}/sign-in`,
    timeout: 300_000,
    reuseExistingServer: false,
    env: serverEnv,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
