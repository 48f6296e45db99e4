import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { demo, signIn } from './support';

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
