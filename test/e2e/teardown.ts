import { readFile, rm } from 'node:fs/promises';

/**
 * Removes this run's build and data folders (named after its port in playwright.config.ts), and
 * next-env.d.ts if the build pointed it there: Next.js writes it afresh on the next dev or build.
 */
export default async function teardown() {
  const port = process.env.E2E_PORT;
  if (!port) return;
  const distDir = `.next-e2e-${port}`;
  await Promise.all([
    rm(distDir, { recursive: true, force: true }),
    rm(`${distDir}.tsconfig.json`, { force: true }),
    rm(`.data/e2e-${port}`, { recursive: true, force: true }),
  ]);
  const nextEnv = await readFile('next-env.d.ts', 'utf8').catch(() => '');
  if (nextEnv.includes(distDir)) await rm('next-env.d.ts', { force: true });
}
