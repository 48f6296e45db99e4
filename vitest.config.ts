import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(new URL(import.meta.url).pathname);
const shared = {
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws outside React's server build; services are plain modules in tests.
      { find: 'server-only', replacement: `${root}/test/support/empty.ts` },
    ],
  },
};

// Service tests run on a fresh embedded PGlite per file, and again on real PostgreSQL when
// DATABASE_URL is set (each file in a database of its own, copied from a migrated template).
const engines = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const dbFree = [
  'test/unit/agent.test.ts',
  'test/unit/client-address.test.ts',
  'test/unit/dml-storage-contract.test.ts',
  'test/unit/dml-storage.test.ts',
  'test/unit/form-messages.test.ts',
  'test/unit/openapi.test.ts',
  'test/unit/pglite-lock.test.ts',
  'test/unit/shutdown.test.ts',
];

export default defineConfig({
  test: {
    // Much of a service test's time is spent waiting (on PostgreSQL, the job runner's poll, SMTP,
    // S3), not computing: one more fork than there are cores keeps a 2-core CI machine busy.
    maxWorkers: os.availableParallelism() + 1,
    projects: engines.map((engine) => ({
      ...shared,
      test: {
        name: engine,
        include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
        // Tests that use no database run once, in the PGlite project.
        exclude: engine === 'postgres' ? dbFree : [],
        globalSetup: ['test/support/global-setup.ts'],
        // Logs of expected failures (a store made unreachable on purpose) would bury the results.
        env: { TEST_ENGINE: engine, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
        testTimeout: 30_000,
        hookTimeout: 60_000,
        pool: 'forks',
      },
    })),
  },
});
