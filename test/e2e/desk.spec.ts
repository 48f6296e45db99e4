import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { parseCsv } from '../support/csv';
import { demo, expectNoStackTrace, signIn } from './support';

// Other specs in the same run may already have recorded install events (the agent spec does),
// so this one asserts nothing about the whole ledger's size; the data paths (filters, keyset
// pages, CSV contents, current software, adoption counts) are proven by test/unit/desk.test.ts,
// and the agent spec reads back its own events. Here: the pages, their empty states, the export
// and who may see them.

const csvHeader =
  'occurred_at,event,device,device_id,user,user_email,product,product_slug,version,platform,sha256,request_id,approver,agent_version,exit_code,bytes,error_text,event_id';

/** Downloads the CSV through the page's own link and checks it holds exactly the table's rows. */
async function exportMatchesTable(page: Page) {
  const tableIds = await page.getByTestId('record-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id')));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^install-records-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff); // A BOM, so spreadsheets read UTF-8.
  const [header, ...rows] = parseCsv(text.slice(1));
  expect(header!.join(',')).toBe(csvHeader);
  // The table shows one page of 50; with fewer rows than that, the export must be the same rows.
  if (tableIds.length < 50) expect(rows.map((r) => r.at(-1))).toEqual(tableIds);
  else expect(rows.slice(0, 50).map((r) => r.at(-1))).toEqual(tableIds);
}

let deskDeviceId: string | undefined;

test.describe.configure({ mode: 'serial' });

test('the service desk searches install records, exports them, and opens a device and a product', async ({ page }) => {
  await signIn(page, demo.desk);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service desk' }).click();
  await expect(page).toHaveURL(/\/desk$/);
  await expect(page.getByRole('heading', { name: 'Install records', level: 1 })).toBeVisible();
  await expect(page.getByTestId('install-records').or(page.getByTestId('records-empty'))).toBeVisible();
  await exportMatchesTable(page);

  // Filters are GET parameters: the form keeps them, the export link carries them.
  await page.getByLabel('Device name contains').fill('desk-ws');
  await page.getByLabel('Product').selectOption({ label: 'Mozilla Firefox' });
  await page.getByLabel('Outcome').selectOption({ label: 'Install failed' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/device=desk-ws/);
  await expect(page).toHaveURL(/product=firefox/);
  await expect(page).toHaveURL(/outcome=install_failed/);
  await expect(page.getByLabel('Device name contains')).toHaveValue('desk-ws');
  await expect(page.getByTestId('records-empty')).toContainText('No records match these filters');
  await expect(page.getByTestId('export-csv')).toHaveAttribute(
    'href',
    '/desk/export?device=desk-ws&product=firefox&outcome=install_failed',
  );
  await exportMatchesTable(page);

  // Bad filters and stale page links are explained, never a crash.
  await page.goto('/desk?from=2025-02-01&to=2025-01-01');
  await expect(page.getByTestId('error-to')).toHaveText('The last day cannot be before the first day.');
  await expect(page.getByLabel('To (UTC day, inclusive)')).toHaveAttribute('aria-invalid', 'true');
  await page.goto('/desk?cursor=not-a-page');
  await expect(page.getByTestId('form-error')).toContainText('This page link is no longer valid');
  await expectNoStackTrace(page);

  // A device is found by name, and its page shows the seeded facts and history (db/seed-history.ts).
  await page.goto('/desk?device=DESK-WS');
  await page
    .getByTestId('device-matches')
    .getByRole('link', { name: /DESK-WS-12/ })
    .click();
  await expect(page).toHaveURL(/\/desk\/devices\/[0-9a-f-]{36}$/);
  deskDeviceId = page.url().split('/').at(-1);
  await expect(page.getByRole('heading', { name: 'DESK-WS-12', level: 1 })).toBeVisible();
  await expect(page.getByTestId('device-status')).toHaveText('active');
  await expect(page.locator('dl')).toContainText('Sam Servicedesk');
  await expect(page.locator('dl')).toContainText('Windows x64');
  const software = page.getByTestId('current-software');
  await expect(software.getByRole('row', { name: /Microsoft Teams/ })).toContainText('25153.1010.3727.5483');
  await expect(software.getByRole('row', { name: /Adobe Acrobat Reader/ })).toContainText('25.001.20566');
  await expect(software.getByRole('row', { name: /Zoom Workplace/ })).toContainText('6.5.7');
  await expect(page.getByTestId('timeline')).toContainText('Install succeeded');
  // Revoking needs a reason: without one nobody is asked to confirm, the service refuses, nothing changes.
  const actions = page.locator('#device-actions');
  const dialogs: string[] = [];
  page.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));
  await actions.getByRole('button', { name: 'Revoke device' }).click();
  await expect(actions.getByTestId('error-reason')).toHaveText('Give the reason for revoking.');
  expect(dialogs).toEqual([]);
  await expect(page.getByTestId('device-status')).toHaveText('active');
  // The desk may ask the agent to remove software from anyone's device, and take the request back.
  page.removeAllListeners('dialog');
  page.once('dialog', (d) => void d.accept());
  const zoom = software.getByRole('row', { name: /Zoom Workplace/ });
  await zoom.getByText('Remove…').click();
  await zoom.getByLabel('Reason (optional)').fill('Licence moves to the new hire');
  await zoom.getByRole('button', { name: 'Remove Zoom Workplace' }).click();
  await expect(zoom).toContainText('Removal requested: waiting for the agent’s next sync');
  await zoom.getByRole('button', { name: 'Cancel removal' }).click();
  await expect(zoom.getByText('Remove…')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/desk-device.png', fullPage: true });
  expect((await page.goto(`/desk/devices/${randomUUID()}`))?.status()).toBe(404);

  // A product's adoption page: its published and deprecated versions, nobody on them yet, an empty chart.
  await page.goto('/desk?product=firefox');
  await page.getByRole('link', { name: 'Adoption and failure hotspots for this product →' }).click();
  await expect(page.getByRole('heading', { name: 'Mozilla Firefox', level: 1 })).toBeVisible();
  await expect(page.getByTestId('version-row')).toHaveCount(3);
  await expect(page.getByTestId('version-row').first()).toContainText('141.0');
  await expect(page.getByTestId('version-row').last()).toContainText('deprecated');
  for (const count of await page.getByTestId('device-count').allTextContents()) expect(count).toBe('0');
  await expect(page.getByTestId('adoption-chart')).toContainText('No installs recorded in the last 90 days');
  await expect(page.getByTestId('failures-empty')).toBeVisible();
  await expect(page.getByTestId('still-on')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/desk-adoption-empty.png', fullPage: true });
  expect((await page.goto('/desk/products/no-such-product'))?.status()).toBe(404);
});

test('a requester gets 403 from the desk pages and from the export', async ({ page }) => {
  await signIn(page, demo.requester);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service desk' })).toHaveCount(0);
  for (const path of ['/desk', `/desk/devices/${deskDeviceId ?? randomUUID()}`, '/desk/products/firefox']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { name: 'You don’t have access to this page' })).toBeVisible();
  }
  const csv = await page.request.get('/desk/export?product=firefox');
  expect(csv.status()).toBe(403);
  expect(csv.headers()['content-disposition']).toBeUndefined();
  expect(await csv.text()).not.toContain('occurred_at');
});
