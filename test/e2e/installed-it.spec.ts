import { expect, test } from '@playwright/test';
import { addDevice, demo, signIn } from './support';

const shots = '/work/shots/approve';
const hostname = `installed-it-${Date.now().toString(36)}`;

test.setTimeout(90_000);

test('"I installed it" after a browser download; the desk sees it as reported by the owner', async ({ page, browser }) => {
  await signIn(page, demo.requester);
  await addDevice(page, hostname, 'Windows x64');
  await page.goto('/catalogue/firefox');
  const another = page.getByText('Request it for another device');
  if (await another.isVisible()) await another.click();
  const device = page.getByLabel('Device');
  await device.selectOption((await device.locator('option', { hasText: hostname }).getAttribute('value'))!);
  await page.getByLabel('Why do you need it?').fill('Testing the portal in Firefox.');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestPath = new URL(page.url()).pathname;

  const download = page.waitForEvent('download');
  await page.getByTestId('download-link').first().click();
  await (await download).path();
  await page.reload();
  await page.getByRole('button', { name: 'I installed it' }).click();
  await expect(page.getByTestId('install-state')).toContainText('reported by its owner');
  await page.screenshot({ path: `${shots}/installed-it-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/installed-it-390.png`, fullPage: true });

  const desk = await (await browser.newContext()).newPage();
  await signIn(desk, demo.desk);
  await desk.goto(`/desk?device=${hostname}&reportedBy=owner`);
  await expect(desk.getByTestId('record-row')).toHaveCount(1);
  await expect(desk.getByTestId('reported-by')).toHaveText('Reported by owner');
  await desk.screenshot({ path: `${shots}/desk-reported-by-1280.png`, fullPage: true });
  await desk.setViewportSize({ width: 390, height: 844 });
  await desk.screenshot({ path: `${shots}/desk-reported-by-390.png`, fullPage: true });
  await desk.goto(`/desk?device=${hostname}&reportedBy=agent`);
  await expect(desk.getByTestId('record-row')).toHaveCount(0);
  expect(requestPath).toMatch(/^\/requests\//);
});
