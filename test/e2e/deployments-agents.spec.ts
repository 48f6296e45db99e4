import { expect, test, type Browser, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseURL } from '../../playwright.config';
import { addDevice, createProduct, demo, expectNoStackTrace, newPage, publishLinuxBuild, shot } from './support';

/**
 * Issue 11 end to end, in Chromium and with two real agents: a deployment manager gives a new
 * product the path "live only", the desk places a device, the manager targets two devices by id
 * and sends a REQUIRED deployment into live; two members of the change advisory board approve it
 * in the browser, so it starts at once; one agent installs, the other fails, and the progress page
 * and the calendar show it. Then a big bang to 2.0.0: refused before its cut-over, after it the old
 * 1.0.0 is refused (403 naming the deployment) and the agent moves to 2.0.0.
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'portal-deploy-e2e-'));
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

const suffix = Date.now().toString(36);
const product = { name: `Deploy Test Tool ${suffix}`, slug: `deploy-test-tool-${suffix}` };
const hosts = { a: `deploy-a-${suffix}`, b: `deploy-b-${suffix}` };
const stateDirs = { a: path.join(work, 'agent-a'), b: path.join(work, 'agent-b') };
const v1 = randomBytes(64 * 1024);
const v2 = randomBytes(64 * 1024);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const runAgent = (who: 'a' | 'b', ...args: string[]) =>
  spawnSync(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'agent/cli.ts', ...args, '--state-dir', stateDirs[who]], {
    encoding: 'utf8',
    timeout: 120_000,
  });
const tokenOf = (who: 'a' | 'b') => JSON.parse(readFileSync(path.join(stateDirs[who], 'agent.json'), 'utf8')).token as string;
const installedFile = (who: 'a' | 'b', version: string) =>
  path.join(stateDirs[who], 'installed', product.slug, version, `tool-${version}.tar.gz`);
/** `<input type=datetime-local>` value for a UTC instant (the form's times are UTC). */
const utcLocal = (d: Date, seconds = false) => d.toISOString().slice(0, seconds ? 19 : 16);

/** The download path of a release's Linux build, as the librarian's catalogue page links it. */
async function artifactPath(lib: Page, version: string): Promise<string> {
  await lib.goto(`/catalogue/${product.slug}`);
  const release = lib.getByTestId('release').filter({ has: lib.getByRole('heading', { name: `Version ${version}` }) });
  const href = await release.getByTestId('download-link').first().getAttribute('href');
  expect(href).toMatch(/^\/api\/artifacts\/[0-9a-f-]{36}\/download$/);
  return href!;
}

/** As the deployment manager: a required deployment into live of `version` to the target, sent for approval. */
async function planDeployment(dana: Page, name: string, version: string, target: string, cutover?: Date): Promise<string> {
  await dana.goto('/deployments/new');
  await dana.getByLabel('Name').fill(name);
  await dana.getByLabel('Release').selectOption({ label: `${product.name} ${version}` });
  await dana.getByLabel('Target').selectOption({ label: target });
  await dana.getByLabel('Environment', { exact: true }).selectOption('live');
  await dana.getByLabel('Intent').selectOption('required');
  await dana.getByLabel('Available from (UTC)').fill(utcLocal(new Date()));
  await dana.getByLabel('Deadline (UTC, optional)').fill(utcLocal(new Date(Date.now() + 7 * 86_400_000)));
  if (cutover) await dana.getByLabel('Cut-over (UTC, optional: big bang)').fill(utcLocal(cutover, true));
  // The seeded standing standard change (approved, a day ago to 90 days ahead) authorises routine live deployments.
  await dana.getByLabel('Change reference (required into live)').fill('CHG0030000');
  await dana.getByRole('button', { name: 'Save draft' }).click();
  await expect(dana.getByRole('heading', { name, level: 1 })).toBeVisible({ timeout: 30_000 });
  const id = /\/deployments\/([0-9a-f-]{36})$/.exec(new URL(dana.url()).pathname)?.[1];
  expect(id).toBeTruthy();
  await dana.getByRole('button', { name: 'Send for approval' }).click();
  await expect(dana.getByText('Sent for approval.')).toBeVisible({ timeout: 30_000 });
  return id!;
}

/** Two members of the change advisory board approve it in their deployments inbox; it starts at once. */
async function approveTwice(browser: Browser, dana: Page, id: string) {
  for (const email of ['ops1@example.com', 'ops2@example.com']) {
    const ops = await newPage(browser, email);
    await ops.goto('/approvals/deployments');
    const item = ops.locator(`[id="d-${id}"]`);
    await item.getByLabel('Comment').fill(`Approved in the CAB (${email})`);
    await item.getByRole('button', { name: 'Approve' }).click();
    // Decided: the form gives way to "you have decided", or the item leaves the inbox once it starts.
    await expect(item.getByRole('button', { name: 'Approve' })).toHaveCount(0, { timeout: 30_000 });
    await ops.context().close();
  }
  await expect
    .poll(
      async () => {
        await dana.goto(`/deployments/${id}`);
        return dana.getByText('active', { exact: true }).count();
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThan(0);
  await expect(dana.getByText(/approved by Otto Ops/)).toBeVisible();
  await expect(dana.getByText(/approved by Olga Ops/)).toBeVisible();
}

test('required deployment into live: CAB approval, one agent installs, one fails; then a big-bang cut-over', async ({
  browser,
  request,
}) => {
  test.setTimeout(600_000);
  test.slow();

  // The librarian: a product with 1.0.0 and 2.0.0 for Linux, both published.
  const lib = await newPage(browser, demo.librarian);
  await createProduct(lib, product);
  await publishLinuxBuild(lib, product.slug, '1.0.0', v1);
  await publishLinuxBuild(lib, product.slug, '2.0.0', v2);

  // Alice: two Linux devices, each enrolled by an agent of its own.
  const alice = await newPage(browser, demo.requester);
  for (const who of ['a', 'b'] as const) {
    await addDevice(alice, hosts[who], 'Linux x64');
    const code = (await alice.getByTestId('enrolment-code').textContent())!.trim();
    const enrolled = runAgent(who, 'enroll', '--server', baseURL, '--code', code, '--hostname', hosts[who]);
    expect(enrolled.status, enrolled.stderr).toBe(0);
  }

  // The desk finds both devices (their ids) and places device A: kind, site, country, environment.
  const desk = await newPage(browser, demo.desk);
  const ids: Record<'a' | 'b', string> = { a: '', b: '' };
  for (const who of ['b', 'a'] as const) {
    await desk.goto(`/desk?device=${hosts[who]}`);
    await desk.getByTestId('device-matches').getByRole('link', { name: hosts[who] }).click();
    await expect(desk.getByRole('heading', { name: hosts[who], level: 1 })).toBeVisible();
    ids[who] = /\/desk\/devices\/([0-9a-f-]{36})$/.exec(new URL(desk.url()).pathname)![1]!;
  }
  await desk.getByLabel('Country').fill('D1');
  await desk.getByRole('button', { name: 'Save placement' }).click();
  await expect(desk.getByTestId('error-country')).toContainText('two-letter');
  await desk.getByLabel('Kind').selectOption('workstation');
  await desk.getByLabel('Site').fill(`E2E Lab ${suffix}`);
  await desk.getByLabel('Country').fill('de');
  await desk.getByLabel('Environment').selectOption('live');
  await desk.getByRole('button', { name: 'Save placement' }).click();
  await expect(desk.getByText('Placement saved.')).toBeVisible();
  await desk.reload();
  await expect(desk.getByLabel('Country')).toHaveValue('DE');
  await expect(desk.getByLabel('Site')).toHaveValue(`E2E Lab ${suffix}`);

  // Dana: the product goes straight to live (its own path), and a target of the two devices by id.
  const dana = await newPage(browser, 'dana@example.com');
  await dana.goto('/deployments/environments');
  await dana.getByLabel('Product', { exact: true }).selectOption({ label: product.name });
  await dana.getByLabel('Step 1').selectOption('live');
  await dana.getByRole('button', { name: 'Save path' }).click();
  await expect(dana.getByText('Promotion path saved.')).toBeVisible();
  await expect(dana.getByRole('region', { name: 'Products with their own path' }).getByRole('row', { name: product.name })).toContainText(
    'Live',
  );

  const target = `Deploy e2e pair ${suffix}`;
  await dana.goto('/deployments/targets/new');
  await dana.getByLabel('Name').fill(target);
  await dana.getByLabel('Extra devices (ids)').fill(`${ids.a}\n${ids.b}`);
  await expect(dana.getByTestId('preview-count')).toContainText('2');
  await dana.getByRole('button', { name: 'Save target' }).click();
  await expect(dana.getByRole('link', { name: target })).toBeVisible();

  // A required deployment of 1.0.0 into live, approved by two of the change advisory board.
  const first = `Tool 1.0.0 to the pair ${suffix}`;
  const firstId = await planDeployment(dana, first, '1.0.0', target);
  await approveTwice(browser, dana, firstId);
  await expect(dana.getByText('CHG0030000', { exact: true })).toBeVisible();
  await shot(dana, 'deployment');

  // Agent A installs it at its sync; agent B's install command fails (exit 1 from the agent).
  const a = runAgent('a', 'sync');
  expect(a.status, a.stderr + a.stdout).toBe(0);
  expect(sha(readFileSync(installedFile('a', '1.0.0')))).toBe(sha(v1));
  const b = runAgent('b', 'sync', '--install-command', 'echo "no space left" >&2; exit 3');
  expect(b.status, b.stderr + b.stdout).toBe(1);

  // The progress page: 1 succeeded, 1 failed, both devices listed.
  await dana.goto(`/deployments/${firstId}/status`);
  await expect(dana.getByTestId('count-succeeded')).toHaveText('1');
  await expect(dana.getByTestId('count-failed')).toHaveText('1');
  await expect(dana.getByTestId('status-devices')).toContainText(hosts.a);
  await expect(dana.getByTestId('status-devices')).toContainText(hosts.b);
  await expectNoStackTrace(dana);
  await shot(dana, 'progress');

  // The calendar shows it.
  await dana.goto('/deployments/calendar');
  await expect(dana.getByRole('link', { name: first }).first()).toBeVisible();
  await shot(dana, 'calendar');

  // Big bang: 2.0.0 to the same pair with a cut-over shortly ahead (room for two approvals on a slow machine).
  const v1Path = await artifactPath(lib, '1.0.0');
  const v2Path = await artifactPath(lib, '2.0.0');
  const asDevice = (p: string) => request.get(`${baseURL}${p}`, { headers: { authorization: `Bearer ${tokenOf('a')}` }, maxRedirects: 0 });
  expect((await asDevice(v1Path)).status()).toBe(200); // before the big bang, 1.0.0 is served to A

  // Whole seconds, never :00 (the datetime-local input would drop zero seconds and Playwright refuses that).
  const cutover = new Date(Math.ceil((Date.now() + 150_000) / 1000) * 1000);
  if (cutover.getUTCSeconds() === 0) cutover.setUTCSeconds(1);
  const bigBang = `Tool 2.0.0 big bang ${suffix}`;
  const bigBangId = await planDeployment(dana, bigBang, '2.0.0', target, cutover);
  await approveTwice(browser, dana, bigBangId);
  await expect(dana.getByText('required, big bang')).toBeVisible();

  // Before the cut-over: nobody gets 2.0.0, and a sync installs nothing new.
  expect(Date.now(), 'the approvals took longer than the cut-over margin').toBeLessThan(cutover.getTime() - 5_000);
  const early = await asDevice(v2Path);
  expect(early.status()).toBe(403);
  expect((await early.json()).error).toContain(bigBangId);
  const waiting = runAgent('a', 'sync');
  expect(waiting.status, waiting.stderr + waiting.stdout).toBe(0);
  expect(existsSync(installedFile('a', '2.0.0'))).toBe(false);
  expect((await asDevice(v1Path)).status()).toBe(200); // and 1.0.0 is still served until the cut-over

  // After it: the old release is refused, naming the deployment, and the agent moves to 2.0.0.
  await expect.poll(() => Date.now(), { timeout: 240_000, intervals: [1_000] }).toBeGreaterThan(cutover.getTime());
  await expect.poll(async () => (await asDevice(v1Path)).status(), { timeout: 30_000 }).toBe(403);
  const refused = await (await asDevice(v1Path)).json();
  expect(refused.error).toContain(bigBang);
  expect(refused.error).toContain(bigBangId);
  expect(refused.error).toContain('2.0.0');
  // Until the cut-over A kept its 1.0.0 entitlement; the switch job queued for the cut-over (the
  // queue is polled every 2 s) swaps it for the deployment's, and then 2.0.0 is served.
  await expect.poll(async () => (await asDevice(v2Path)).status(), { timeout: 30_000 }).toBe(200);
  const moved = runAgent('a', 'sync');
  expect(moved.status, moved.stderr + moved.stdout).toBe(0);
  expect(sha(readFileSync(installedFile('a', '2.0.0')))).toBe(sha(v2));
  await dana.goto(`/deployments/${bigBangId}/status`);
  await expect(dana.getByTestId('count-succeeded')).toHaveText('1');
});
