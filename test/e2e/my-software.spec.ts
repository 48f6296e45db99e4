import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { randomBytes, randomUUID } from 'node:crypto';
import { baseURL } from '../../playwright.config';
import { addDevice, createProduct, demo, publishLinuxBuild, signIn } from './support';

const shots = '/work/shots/mysoftware';
const viewports = [
  { name: '1280', width: 1280, height: 900 },
  { name: '390', width: 390, height: 844 },
];

async function serious(page: Page) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('My software says who a new request waits for, and works on a phone', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, demo.requester);
  await page.goto('/catalogue/intellij-idea');
  const panel = page.getByTestId('request-panel');
  await panel.getByLabel('Device').selectOption({ label: 'ALICE-LT-4411 · Windows x64' });
  await panel.getByLabel('Why do you need it?').fill('Kotlin work on the billing service.');
  await panel.getByRole('button', { name: 'Submit request' }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestPage = page.url();

  await page.goto('/devices');
  await page
    .getByRole('row', { name: /ALICE-LT-4411/ })
    .getByRole('link', { name: 'Software' })
    .click();
  await expect(page.getByRole('heading', { name: 'Software on ALICE-LT-4411' })).toBeVisible();
  const row = page.getByTestId('waiting-row').filter({ hasText: 'IntelliJ IDEA' });
  await expect(row).toContainText('Waiting for Maria Manager to approve.');
  for (const vp of viewports) {
    await page.setViewportSize(vp);
    expect(await serious(page), `My software at ${vp.name}`).toEqual([]);
    // Nothing wider than the phone's screen: the key columns stay in view.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: `${shots}/my-software-${vp.name}.png`, fullPage: true });
  }
  // Take the request back: requests.spec expects this device to be offered IntelliJ afresh.
  await page.setViewportSize(viewports[0]!);
  await page.goto(requestPage);
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Cancel request' }).click();
  await expect(page.getByTestId('request-status').first()).toHaveText('Cancelled');
});

test('the librarian sets an uninstall command on a published build', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, demo.librarian);
  await page.goto('/library/products/firefox');
  const form = page.getByTestId('uninstall-command-form').first();
  await form.locator('summary').click();
  await form.getByRole('textbox').fill('/usr/bin/apt-get remove -y firefox');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('Uninstall command saved.');
  await page.reload();
  await expect(page.getByTestId('uninstall-command-form').first().locator('summary')).toContainText('/usr/bin/apt-get remove -y firefox');
  await page.getByTestId('uninstall-command-form').first().locator('summary').click();
  await expect(page.getByTestId('uninstall-command-form').first().getByRole('textbox')).toHaveValue('/usr/bin/apt-get remove -y firefox');
  for (const vp of viewports) {
    await page.setViewportSize(vp);
    expect(await serious(page), `library product at ${vp.name}`).toEqual([]);
    await page.screenshot({ path: `${shots}/library-uninstall-${vp.name}.png`, fullPage: true });
  }
});

test('Updates and Failed on My software: an older version is offered the new one, a failure shows its error and is retried', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const suffix = Date.now().toString(36);
  const product = { name: `Update Test Tool ${suffix}`, slug: `update-test-tool-${suffix}` };
  const hostname = `update-box-${suffix}`;
  const open = async (email: string) => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    return page;
  };

  // A product with no approval policy and one release.
  const lib = await open(demo.librarian);
  await createProduct(lib, product);
  await publishLinuxBuild(lib, product.slug, '1.0.0', randomBytes(64 * 1024));

  // Alice's own device, enrolled over the device API as the agent does.
  const alice = await open(demo.requester);
  await addDevice(alice, hostname, 'Linux x64');
  const code = (await alice.getByTestId('enrolment-code').textContent())!.trim();
  const enrol = await fetch(`${baseURL}/api/v1/devices/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, agentVersion: '1.4.2', hostname }),
  });
  expect(enrol.status).toBe(201);
  const { deviceId, token } = (await enrol.json()) as { deviceId: string; token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const pulls = async () => {
    const res = await fetch(`${baseURL}/api/v1/device/pulls`, { headers });
    expect(res.status).toBe(200);
    return (
      (await res.json()) as { items: { product: { slug: string }; release: { version: string }; artifact: { id: string } }[] }
    ).items.filter((i) => i.product.slug === product.slug);
  };
  const report = async (type: string, artifactId: string, extra: Record<string, unknown> = {}) => {
    const res = await fetch(`${baseURL}/api/v1/device/reports`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        events: [{ idempotencyKey: randomUUID(), type, artifactId, occurredAt: new Date().toISOString(), agentVersion: '1.4.2', ...extra }],
      }),
    });
    expect(res.status, await res.text()).toBeLessThan(300);
  };

  // Requested for "the current release and later" (approved at once), pulled and installed.
  await alice.goto(`/catalogue/${product.slug}`);
  const panel = alice.getByTestId('request-panel');
  await panel.getByLabel('Device').selectOption({ label: `${hostname} · Linux x64` });
  await panel.getByLabel('Why do you need it?').fill('Testing updates on My software.');
  await panel.getByRole('button', { name: 'Submit request' }).click();
  await expect(alice.getByText('Approved', { exact: true }).first()).toBeVisible();
  const [v1] = await pulls();
  expect(v1?.release.version).toBe('1.0.0');
  await report('install_succeeded', v1!.artifact.id);

  // A newer release: My software offers it, and so does the catalogue card for this device.
  await publishLinuxBuild(lib, product.slug, '1.1.0', randomBytes(64 * 1024));
  await alice.goto(`/devices/${deviceId}/software`);
  const update = alice.getByTestId('update-row').filter({ hasText: product.name });
  await expect(update).toContainText('1.0.0 → 1.1.0');
  // The device has an agent, so the update is one step it takes by itself at its next sync.
  await expect(update).toContainText('The portal agent installs 1.1.0 at its next sync.');
  await alice.goto(`/catalogue?q=${encodeURIComponent(product.name)}&device=${deviceId}`);
  const card = alice.getByTestId('product-list').getByRole('listitem').filter({ hasText: product.name });
  await expect(card.getByTestId('card-state')).toHaveText(`Update available: 1.0.0 → 1.1.0 on ${hostname}`);
  await expect(alice.getByLabel('Show the state on device')).toHaveValue(deviceId);

  // The next sync pulls 1.1.0, and its install fails: Failed shows the installer's words.
  const [v2] = await pulls();
  expect(v2?.release.version).toBe('1.1.0');
  const error = 'tar: Unexpected EOF in archive\ntar: Error is not recoverable: exiting now';
  await report('install_failed', v2!.artifact.id, { exitCode: 2, errorText: error });
  await alice.goto(`/devices/${deviceId}/software`);
  const failed = alice.getByTestId('failed-row').filter({ hasText: product.name });
  await expect(failed).toContainText('Install failed');
  await expect(failed.locator('pre')).toHaveText(error);
  await expect(failed.getByTestId('retry-note')).toHaveText('Retry: nothing to press, the portal agent tries again at its next sync.');

  // Retry: the release is still offered, the agent installs it, and both sections clear.
  const [again] = await pulls();
  expect(again?.artifact.id).toBe(v2!.artifact.id);
  await report('install_succeeded', v2!.artifact.id);
  await alice.reload();
  await expect(alice.getByTestId('failed-row').filter({ hasText: product.name })).toHaveCount(0);
  await expect(alice.getByTestId('update-row').filter({ hasText: product.name })).toHaveCount(0);
  await expect(alice.locator('main')).toContainText(`${product.name}`);
  await alice.goto(`/catalogue?q=${encodeURIComponent(product.name)}&device=${deviceId}`);
  await expect(card.getByTestId('card-state')).toHaveText(`Installed 1.1.0 on ${hostname}`);
});

test('the seeded install history shows on the desk, a device page, My software and the catalogue (screenshots)', async ({ browser }) => {
  test.setTimeout(120_000);
  const history = '/work/shots/history';
  const open = async (email: string) => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    return page;
  };
  const shoot = async (page: Page, name: string) => {
    for (const vp of viewports) {
      await page.setViewportSize(vp);
      await page.screenshot({ path: `${history}/${name}-${vp.name}.png`, fullPage: true });
    }
    await page.setViewportSize(viewports[0]!);
  };

  const desk = await open(demo.desk);
  await desk.goto('/desk?device=ALICE-LT-4411');
  await expect(desk.getByTestId('record-row').filter({ hasText: 'MSI error 1603' })).toHaveCount(1);
  await desk.goto('/desk');
  await expect(desk.getByTestId('record-row').first()).toBeVisible();
  await shoot(desk, 'desk');
  await desk.goto('/desk?device=bob-studio');
  await desk
    .getByTestId('device-matches')
    .getByRole('link', { name: /bob-studio/ })
    .click();
  await expect(desk.getByTestId('current-software')).toContainText('LibreOffice');
  await shoot(desk, 'desk-device');
  await desk.goto('/desk/products/adobe-acrobat-reader');
  await expect(desk.getByTestId('failures-empty')).toHaveCount(0);
  await shoot(desk, 'desk-adoption');

  const alice = await open(demo.requester);
  await alice.goto('/devices');
  await alice
    .getByRole('row', { name: /ALICE-LT-4411/ })
    .getByRole('link', { name: 'Software' })
    .click();
  await expect(alice.getByTestId('update-row').filter({ hasText: 'Adobe Acrobat Reader' })).toContainText('25.001.20531 → 25.001.20566');
  await expect(alice.getByTestId('failed-row').filter({ hasText: 'LibreOffice' })).toContainText('MSI error 1603');
  await shoot(alice, 'my-software');
  await alice.goto('/catalogue?q=a');
  await alice.getByLabel('Show the state on device').selectOption({ label: 'On ALICE-LT-4411' });
  await alice.getByRole('button', { name: 'Search' }).click();
  await expect(alice.getByTestId('card-state').first()).toBeVisible();
  await shoot(alice, 'catalogue');
});
