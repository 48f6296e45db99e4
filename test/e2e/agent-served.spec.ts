import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseURL } from '../../playwright.config';
import { parseExecStart } from '../support/systemd';
import { addDevice, createProduct, demo, newPage } from './support';

/**
 * The agent as a person gets it: downloaded from the running portal (not the source tree), its
 * SHA-256 checked against the one "My devices" shows, run with plain `node` from a folder outside
 * the repository. Its systemd unit's own command line does the syncs: install, then — after the
 * owner asks on My software — uninstall. The licence seat comes back only with that report.
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'portal-agent-served-'));
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
const suffix = Date.now().toString(36);
const product = { name: `Served Agent Tool ${suffix}`, slug: `served-agent-tool-${suffix}` };
const build = randomBytes(64 * 1024);
const hostname = `served-box-${suffix}`;
const stateDir = path.join(work, 'state');
const agentFile = path.join(work, 'portal-agent.mjs');

/**
 * A screenshot at 1280 and 390 px; with `axe`, each also checked for serious or critical
 * violations (once, on the fullest state of My software: the suite's time budget is tight).
 */
async function look(page: Page, name: string, axe = false) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `test-results/screenshots/agent-served-${name}-${width}.png`, fullPage: true });
    if (!axe) continue;
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`),
      `${name} at ${width}px`,
    ).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The served agent, as `node portal-agent.mjs …` in a folder outside the repository. */
const agent = (...args: string[]) =>
  spawnSync(process.execPath, [agentFile, ...args, '--state-dir', stateDir], { cwd: work, encoding: 'utf8', timeout: 60_000 });

test('download the served agent, verify it, enrol, sync by its systemd unit, install, uninstall from My software', async ({ browser }) => {
  // ~30 s on an idle machine; the margin is for a loaded one (CI shares its cores).
  test.setTimeout(180_000);
  // A per-seat product with one seat and one Linux build.
  const lib = await newPage(browser, demo.librarian);
  await createProduct(lib, product, async (form) => {
    await form.getByLabel('Licence model').selectOption('per-seat');
    await form.getByLabel('Seat limit').fill('1');
  });
  await lib.getByLabel('Version').fill('2.0.0');
  await lib.getByRole('button', { name: 'Create draft release' }).click();
  const release = lib.getByTestId('release-2.0.0');
  await release.getByLabel('Platform').selectOption('linux-x64');
  await release
    .getByLabel('File', { exact: true })
    .setInputFiles({ name: 'tool-2.0.0.tar.gz', mimeType: 'application/gzip', buffer: build });
  await release.getByRole('button', { name: 'Upload artifact' }).click();
  await expect(release.getByTestId('upload-result')).toContainText(sha(build), { timeout: 30_000 });
  await release.getByRole('button', { name: 'Publish' }).click();
  await expect(release.getByText('published', { exact: true })).toBeVisible();

  // The add-device page: the agent's SHA-256 and the commands; the file over plain HTTP, checked.
  const alice = await newPage(browser, demo.requester);
  await alice.goto('/devices');
  const shown = (await alice.getByTestId('agent-sha256').textContent())!.trim();
  expect(shown).toMatch(/^[0-9a-f]{64}$/);
  await expect(alice.getByTestId('agent-commands')).toContainText(`curl -fsSLo portal-agent.mjs ${baseURL}/api/v1/agent/download`);
  await expect(alice.getByTestId('agent-commands')).toContainText(`echo "${shown}  portal-agent.mjs" | sha256sum -c -`);
  const res = await fetch(`${baseURL}/api/v1/agent/download`);
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(sha(bytes)).toBe(shown);
  writeFileSync(agentFile, bytes, { mode: 0o755 });
  const meta = (await (await fetch(`${baseURL}/api/v1/agent`)).json()) as { version: string; sha256: string };
  expect(meta.sha256).toBe(shown);
  await expect(alice.getByTestId('agent-version')).toHaveText(meta.version);
  expect(agent('--version').stdout.trim()).toBe(meta.version);
  // The page's own check command accepts the file (as a person would paste it).
  const check = spawnSync('sh', ['-c', `echo "${shown}  portal-agent.mjs" | sha256sum -c -`], { cwd: work, encoding: 'utf8' });
  expect(check.status, check.stderr).toBe(0);

  // Enrol with the one-time code, as the panel says.
  await addDevice(alice, hostname, 'Linux x64');
  const code = (await alice.getByTestId('enrolment-code').textContent())!.trim();
  await expect(alice.getByTestId('enrol-command')).toContainText(`node portal-agent.mjs enroll --server ${baseURL} --code ${code}`);
  await look(alice, 'my-devices');
  const enrolled = agent('enroll', '--server', baseURL, '--code', code, '--hostname', hostname);
  expect(enrolled.status, enrolled.stderr).toBe(0);
  const updateCheck = agent('update');
  expect(updateCheck.status, updateCheck.stderr).toBe(0);
  expect(updateCheck.stdout).toContain('up to date');

  // The systemd unit the agent generates; its ExecStart is what runs every sync below.
  const printed = agent('service', 'install', '--print', '--platform', 'linux');
  expect(printed.status, printed.stderr).toBe(0);
  const execStart = parseExecStart(printed.stdout);
  expect(execStart.slice(1)).toEqual([agentFile, 'sync', '--state-dir', stateDir]);
  const syncByUnit = () => spawnSync(execStart[0]!, execStart.slice(1), { cwd: work, encoding: 'utf8', timeout: 60_000 });

  // Request (no approval policy: approved at once, takes the one seat); the unit's sync installs it.
  await alice.goto(`/catalogue/${product.slug}`);
  const panel = alice.getByTestId('request-panel');
  await panel.getByLabel('Device').selectOption({ label: `${hostname} · Linux x64` });
  await panel.getByLabel('Why do you need it?').fill('Trying the served agent.');
  await panel.getByRole('button', { name: 'Submit request' }).click();
  await expect(alice.getByText('Approved', { exact: true }).first()).toBeVisible();
  const installedRun = syncByUnit();
  expect(installedRun.status, installedRun.stderr).toBe(0);
  expect(installedRun.stdout).toContain(`installed ${product.slug} 2.0.0`);
  expect(sha(readFileSync(path.join(stateDir, 'installed', product.slug, '2.0.0', 'tool-2.0.0.tar.gz')))).toBe(sha(build));
  await lib.goto(`/library/products/${product.slug}`);
  await expect(lib.getByTestId('seat-usage')).toContainText('1 of 1 seats in use');

  // My software: remove it (optional reason, confirmed). Asked is not done: the seat stays taken.
  await alice.goto('/devices');
  await alice.getByTestId('device-row').filter({ hasText: hostname }).getByRole('link', { name: 'Software' }).click();
  const row = alice.getByTestId('installed-table').getByRole('row').filter({ hasText: product.name });
  await row.getByText('Remove…').click();
  await row.getByLabel('Reason (optional)').fill('Finished with it');
  await row.getByRole('button', { name: `Remove ${product.name}` }).click();
  await expect(row.getByTestId('removal-cell')).toContainText('Removal requested');
  await look(alice, 'my-software-removal-requested');
  await lib.reload();
  await expect(lib.getByTestId('seat-usage')).toContainText('1 of 1 seats in use');

  // An uninstall command that fails: reported with its error, nothing ends, the owner retries.
  const failing = agent('sync', '--uninstall-command', 'echo "file in use by another process" >&2; exit 4');
  expect(failing.status).toBe(1);
  expect(failing.stderr).toContain('UNINSTALL FAILED');
  await alice.reload();
  await expect(row.getByTestId('removal-cell')).toContainText('Removal failed');
  await expect(row.getByTestId('removal-cell')).toContainText('file in use by another process');
  await look(alice, 'my-software-removal-failed', true);
  await lib.reload();
  await expect(lib.getByTestId('seat-usage')).toContainText('1 of 1 seats in use');
  await row.getByRole('button', { name: 'Retry removal' }).click();
  await expect(row.getByTestId('removal-cell')).toContainText('Removal requested');

  // The next sync uninstalls and reports; only now the entitlement ends and the seat is free.
  const removedRun = syncByUnit();
  expect(removedRun.status, removedRun.stderr).toBe(0);
  expect(removedRun.stdout).toContain(`uninstalled ${product.slug} 2.0.0`);
  await alice.reload();
  await expect(alice.getByTestId('removal-row').filter({ hasText: product.name })).toContainText('removed (reported by the agent)');
  await expect(alice.getByTestId('installed-table').getByRole('row').filter({ hasText: product.name })).toHaveCount(0);
  await look(alice, 'my-software-removed');
  await lib.reload();
  await expect(lib.getByTestId('seat-usage')).toContainText('0 of 1 seats in use');
  // Not reinstalled: the entitlement ended with the report.
  const after = syncByUnit();
  expect(after.stdout).toContain('0 pull(s)');
});
