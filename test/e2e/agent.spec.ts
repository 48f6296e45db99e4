import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseURL } from '../../playwright.config';
import { addDevice, createProduct, demo, newPage, publishLinuxBuild } from './support';

/**
 * The pull agent against the running portal, as a device owner would use it: enrol with a code
 * from "My devices", sync an approved product, survive a download killed half-way, verify and
 * install, and report every outcome into the ledger the service desk reads.
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'portal-agent-e2e-'));
test.afterAll(() => rmSync(work, { recursive: true, force: true }));
test.describe.configure({ mode: 'serial' });

const stateDir = path.join(work, 'state');
const agentArgs = (...args: string[]) => [path.resolve('node_modules/tsx/dist/cli.mjs'), 'agent/cli.ts', ...args, '--state-dir', stateDir];
const runAgent = (...args: string[]) => spawnSync(process.execPath, agentArgs(...args), { encoding: 'utf8', timeout: 120_000 });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const suffix = Date.now().toString(36);
const product = { name: `Agent Test Tool ${suffix}`, slug: `agent-test-tool-${suffix}` };
const v1 = randomBytes(12 * 1024 * 1024);
const v2 = randomBytes(256 * 1024);
const hostname = `agent-box-${suffix}`;

test('enrol, sync with a resumed download, verify, install and report into the ledger', async ({ browser }) => {
  test.setTimeout(240_000);
  const lib = await newPage(browser, demo.librarian);
  await createProduct(lib, product);
  await publishLinuxBuild(lib, product.slug, '1.0.0', v1);

  // Alice adds the device and enrols the agent with the one-time code.
  const alice = await newPage(browser, demo.requester);
  await addDevice(alice, hostname, 'Linux x64');
  const code = (await alice.getByTestId('enrolment-code').textContent())!.trim();
  const enrolled = runAgent('enroll', '--server', baseURL, '--code', code, '--hostname', hostname);
  expect(enrolled.status, enrolled.stderr).toBe(0);
  expect(JSON.parse(readFileSync(path.join(stateDir, 'agent.json'), 'utf8'))).toMatchObject({ platform: 'linux-x64' });
  expect(runAgent('enroll', '--server', baseURL, '--code', code).status).toBe(1); // single use

  // Nothing to pull yet; then Alice requests the product for that device (no policy: approved at once).
  expect(runAgent('sync').status).toBe(0);
  await alice.goto(`/catalogue/${product.slug}`);
  const panel = alice.getByTestId('request-panel');
  await panel.getByLabel('Device').selectOption({ label: `${hostname} · Linux x64` });
  await panel.getByLabel('Why do you need it?').fill('Testing the pull agent end to end.');
  await panel.getByRole('button', { name: 'Submit request' }).click();
  await expect(alice.getByText('Approved', { exact: true }).first()).toBeVisible();

  // A sync throttled to 2 MiB/s is killed once a quarter of the file has arrived.
  const part = path.join(stateDir, 'cache', `${sha(v1)}.part`);
  // Its own process group: tsx runs the agent in a child process, and the whole group is killed.
  const slow = spawn(process.execPath, agentArgs('sync', '--limit-rate', '2M'), { stdio: 'ignore', detached: true });
  await expect
    .poll(() => (existsSync(part) ? statSync(part).size : 0), { timeout: 60_000, intervals: [50] })
    .toBeGreaterThan(3 * 1024 * 1024);
  const exited = new Promise((r) => slow.on('exit', r));
  process.kill(-slow.pid!, 'SIGKILL');
  await exited;
  const kept = statSync(part).size;
  expect(kept).toBeLessThan(v1.length);

  const resumed = runAgent('sync');
  expect(resumed.status, resumed.stderr).toBe(0);
  const installed = path.join(stateDir, 'installed', product.slug, '1.0.0', 'tool-1.0.0.tar.gz');
  expect(sha(readFileSync(installed))).toBe(sha(v1));

  // The ledger, as the service desk sees it: the resumed download fetched only the rest.
  const desk = await newPage(browser, demo.desk);
  await desk.goto(`/desk?product=${product.slug}`);
  const rows = desk.getByTestId('record-row');
  await expect(rows.filter({ hasText: 'Install succeeded' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Download completed' })).toHaveCount(1);
  const csv = (await (await desk.request.get(`/desk/export?product=${product.slug}&outcome=download_completed`)).text()).trim().split('\n');
  expect(csv).toHaveLength(2);
  const bytesColumn = csv[0]!.split(',').indexOf('bytes');
  expect(bytesColumn).toBeGreaterThanOrEqual(0);
  expect(Number(csv[1]!.split(',')[bytesColumn])).toBe(v1.length - kept); // only what was missing
  await desk.getByRole('link', { name: hostname }).first().click();
  await expect(desk.getByTestId('current-software')).toContainText('1.0.0');
  await expect(desk.getByTestId('current-software')).toContainText(product.name);
  await desk.screenshot({ path: 'test-results/screenshots/desk-device-agent.png', fullPage: true });

  // A new version whose install command fails: install_failed with the error text, exit 1.
  await publishLinuxBuild(lib, product.slug, '1.0.1', v2);
  const failing = runAgent('sync', '--install-command', 'echo "disk quota exceeded on /opt" >&2; exit 3');
  expect(failing.status).toBe(1);
  await desk.goto(`/desk?product=${product.slug}&outcome=install_failed`);
  await expect(desk.getByTestId('record-row')).toHaveCount(1);
  await expect(desk.getByTestId('record-row')).toContainText('disk quota exceeded on /opt');
});

test('manager approval, browser download with a matching hash, fulfilled, full history', async ({ browser }) => {
  test.setTimeout(120_000);
  const alice = await newPage(browser, demo.requester);
  const laptop = `dl-mac-${suffix}`;
  await addDevice(alice, laptop, 'macOS Apple silicon');
  await alice.goto('/catalogue/docker-desktop');
  const panel = alice.getByTestId('request-panel');
  await panel.getByLabel('Device').selectOption({ label: `${laptop} · macOS Apple silicon (enrolling)` });
  await panel.getByLabel('Why do you need it?').fill('Container builds for the payments service.');
  await panel.getByRole('button', { name: 'Submit request' }).click();
  await expect(alice).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestPath = new URL(alice.url()).pathname;

  const maria = await newPage(browser, demo.approver);
  await maria.goto(`/approvals${requestPath.replace('/requests', '')}`);
  await maria.getByLabel('Comment').fill('Approved for the payments team');
  await maria.getByRole('button', { name: 'Approve' }).click();
  await expect(maria).toHaveURL(/\/approvals(\?|$)/);

  await alice.goto(requestPath);
  const downloads = alice.getByTestId('downloads');
  const link = downloads.getByTestId('download-link').first();
  const expected = (await downloads.getByTestId('sha256').first().textContent())!.trim();
  const [download] = await Promise.all([alice.waitForEvent('download'), link.click()]);
  const file = path.join(work, 'docker.pkg');
  await download.saveAs(file);
  expect(sha(readFileSync(file))).toBe(expected);

  // The server records the completed download just after the last byte leaves; wait for it.
  const history = alice.getByTestId('history');
  await expect(async () => {
    await alice.reload();
    await expect(history).toContainText('Downloaded — fulfilled', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(history).toContainText('Submitted');
  await expect(history).toContainText('Alice Anders');
  await expect(history).toContainText('Maria Manager');
  await expect(history).toContainText('Approved for the payments team');
  await expect(history).toContainText('Downloaded — fulfilled');
  await expect(history).toContainText(/\d{2}:\d{2}/);
});
