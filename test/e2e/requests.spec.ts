import { expect, test, type Page } from '@playwright/test';
import { demo, expectNoStackTrace, signIn } from './support';

const shots = 'test-results/screenshots';
const requestUrl = /\/requests\/([0-9a-f-]{36})$/;

/** Fills the request panel of the product page open in `page` and submits it. */
async function requestFor(page: Page, device: string, justification: string) {
  const panel = page.getByTestId('request-panel');
  await panel.getByLabel('Device').selectOption({ label: device });
  await panel.getByLabel('Why do you need it?').fill(justification);
  await panel.getByRole('button', { name: 'Submit request' }).click();
}

const idOf = (page: Page) => requestUrl.exec(new URL(page.url()).pathname)![1]!;

test.describe.configure({ mode: 'serial' });

test.describe('requests (requester)', () => {
  let intellijRequest = '';

  test('requests a product with approval: field errors, pending request page, product page and list say so', async ({ page }) => {
    await signIn(page, demo.requester);
    await page.goto('/requests');
    const before = await page.getByTestId('request-row').count();

    await page.goto('/catalogue/intellij-idea');
    const panel = page.getByTestId('request-panel');
    await expect(panel.getByRole('heading', { name: 'Request', exact: true })).toBeVisible();
    await expect(panel.getByLabel('Version')).toHaveValue('current');
    await expect(panel.getByLabel('Version').locator('option').first()).toHaveText('Current release (recommended)');
    // Her devices (other specs of a full run may already have given her this product on alice-mbp).
    await expect(panel.getByLabel('Device').locator('option', { hasText: 'ALICE-LT-4411 · Windows x64' })).toHaveCount(1);

    // An empty justification: the error is shown beside its field and nothing is created.
    await panel.getByRole('button', { name: 'Submit request' }).click();
    await expect(page.getByTestId('error-justification')).toHaveText('Say why you need it, in at least 10 characters.');
    await expect(panel.getByLabel('Why do you need it?')).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/\/catalogue\/intellij-idea$/);
    await page.screenshot({ path: `${shots}/request-form.png`, fullPage: true });
    await page.goto('/requests');
    await expect(page.getByTestId('request-row')).toHaveCount(before);

    await page.goto('/catalogue/intellij-idea');
    await requestFor(page, 'ALICE-LT-4411 · Windows x64', 'I maintain the billing service, which is written in Kotlin.');
    await expect(page).toHaveURL(requestUrl);
    intellijRequest = idOf(page);
    await expect(page.getByRole('heading', { name: 'IntelliJ IDEA Ultimate', level: 1 })).toBeVisible();
    await expect(page.getByTestId('request-status').first()).toHaveText('Pending approval');
    await expect(page.getByTestId('stage-info')).toContainText('Waiting for stage 1 of 1 (Manager)');
    await expect(page.getByTestId('stages').getByRole('listitem')).toHaveText([/Stage 1: Manager\s*Waiting for a decision/]);
    await expect(page.getByTestId('request-version')).toHaveText('Current release (and later ones)');
    await expect(page.getByText('I maintain the billing service, which is written in Kotlin.').first()).toBeVisible();
    await expect(page.getByTestId('history-action')).toHaveText(['Submitted']);
    await expect(page.getByTestId('history')).toContainText('by Alice Anders');
    await expect(page.getByTestId('history').locator('time')).toHaveText([/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/]);
    await expect(page.getByTestId('downloads')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Cancel request' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Decide in your approvals inbox' })).toHaveCount(0); // nobody approves their own
    await page.screenshot({ path: `${shots}/request-page.png`, fullPage: true });

    await page.goto('/catalogue/intellij-idea');
    // (devices.spec may have left her a second open request for IntelliJ, on her Mac.)
    const open = page.getByTestId('open-request').filter({ hasText: 'ALICE-LT-4411' });
    await expect(open).toContainText('Requested for ALICE-LT-4411, waiting for Maria Manager');
    await expect(open.getByRole('link', { name: 'View it' })).toHaveAttribute('href', `/requests/${intellijRequest}`);
    // A device with an open request is not offered again; her other device still is.
    const again = page.getByTestId('request-panel');
    await expect(again.locator('option', { hasText: 'ALICE-LT-4411' })).toHaveCount(0);
    if (await again.getByLabel('Device').count()) {
      await expect(again.getByRole('heading', { name: 'Request it for another device' })).toBeVisible();
      await expect(again.getByLabel('Device').locator('option', { hasText: 'alice-mbp' })).toHaveCount(1);
    }

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My requests' }).click();
    await expect(page.getByRole('heading', { name: 'My requests', level: 1 })).toBeVisible();
    // Focus moves to the new page's heading, so a screen reader announces where the link led.
    await expect(page.getByRole('heading', { name: 'My requests', level: 1 })).toBeFocused();
    const row = page.getByTestId('request-row').first();
    await expect(row).toContainText('IntelliJ IDEA Ultimate');
    await expect(row).toContainText('current');
    await expect(row).toContainText('ALICE-LT-4411');
    await expect(row.getByTestId('request-status')).toHaveText('Pending approval');
    await expect(row.getByTestId('next-step')).toContainText('Waiting for stage 1 of 1 (Manager)');
  });

  test('cancels a pending request', async ({ page }) => {
    await signIn(page, demo.requester);
    await page.goto('/catalogue/docker-desktop');
    await requestFor(page, 'ALICE-LT-4411 · Windows x64', 'Local containers for the integration tests.');
    await expect(page).toHaveURL(requestUrl);
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Cancel request' }).click();
    await expect(page.getByTestId('request-status').first()).toHaveText('Cancelled');
    await expect(page.getByTestId('closed-reason')).toContainText('Cancelled by the requester');
    await expect(page.getByTestId('history-action')).toHaveText(['Submitted', 'Cancelled']);
    await expect(page.getByRole('button', { name: 'Cancel request' })).toHaveCount(0);
    await expect(page.getByTestId('stages')).toContainText('Cancelled while waiting here');

    await page.goto('/requests');
    const row = page.getByTestId('request-row').filter({ hasText: 'Docker Desktop' }).first();
    await expect(row.getByTestId('request-status')).toHaveText('Cancelled');
  });

  test('an auto-approved product: download section with the catalogue’s hash, and a notification', async ({ page }) => {
    await signIn(page, demo.requester);
    await page.goto('/catalogue/firefox');
    const release = page.getByTestId('release').filter({ has: page.getByRole('heading', { name: 'Version 141.0' }) });
    await release.getByTestId('release-files').locator('summary').click();
    const catalogueHash = await release.getByRole('row').filter({ hasText: 'Windows x64' }).getByTestId('sha256').textContent();
    expect(catalogueHash).toMatch(/^[0-9a-f]{64}$/);

    await requestFor(page, 'ALICE-LT-4411 · Windows x64', 'Our web app must be tested in Firefox too.');
    await expect(page).toHaveURL(requestUrl);
    const id = idOf(page);
    await expect(page.getByTestId('request-status').first()).toHaveText('Approved');
    // The header's bell already knows, without a reload.
    await expect(page.getByTestId('notification-bell').locator('summary')).toHaveAttribute(
      'aria-label',
      /^Notifications, [1-9]\d* unread$/,
    );
    await expect(page.getByTestId('history-action')).toHaveText(['Submitted', 'Approved — entitlement granted']);
    await expect(page.getByTestId('history')).toContainText('by Portal');
    const downloads = page.getByTestId('downloads');
    await expect(downloads.getByRole('heading', { name: 'Download' })).toBeVisible();
    await expect(downloads).toContainText('firefox-141.0-windows-x64');
    await expect(downloads.getByTestId('sha256')).toHaveText([catalogueHash!]);
    await expect(downloads).toContainText('sha256sum');
    const href = await downloads.getByTestId('download-link').getAttribute('href');
    expect(href).toMatch(new RegExp(`^/api/artifacts/[0-9a-f-]{36}/download\\?device=[0-9a-f-]{36}&request=${id}$`));
    await expect(page.getByRole('button', { name: 'Cancel request' })).toHaveCount(0);
    await page.screenshot({ path: `${shots}/request-page-approved.png`, fullPage: true });

    // The product page now says she has it, with a way to the download.
    // (A full run's installed-it spec has already put Firefox on another of her devices: one line each.)
    await page.goto('/catalogue/firefox');
    const held = page.getByTestId('held').filter({ hasText: 'ALICE-LT-4411' });
    await expect(held).toContainText('You may install it on ALICE-LT-4411');
    await expect(held.getByRole('link', { name: 'Download' })).toHaveAttribute('href', `/requests/${id}#download`);
    await page.getByTestId('request-panel').screenshot({ path: `${shots}/request-panel-held.png` });

    await page.goto('/requests');
    const row = page.getByTestId('request-row').filter({ hasText: 'Mozilla Firefox' }).first();
    await expect(row.getByTestId('next-step')).toHaveText('Approved — download');
    await page.screenshot({ path: `${shots}/my-requests.png`, fullPage: true });

    // The bell: an unread notification, bold, that leads to the request and is then read.
    const bell = page.getByTestId('notification-bell');
    const summary = bell.locator('summary');
    await expect(summary).toHaveAttribute('aria-label', /^Notifications, [1-9]\d* unread$/);
    const unread = Number((await summary.getAttribute('aria-label'))!.match(/(\d+) unread/)![1]);
    // Escape closes the menu and gives focus back to the bell; so does a click elsewhere.
    await summary.click();
    await expect(bell).toHaveAttribute('open');
    await page.keyboard.press('Escape');
    await expect(bell).not.toHaveAttribute('open');
    await expect(summary).toBeFocused();
    await summary.click();
    await page.getByRole('heading', { level: 1 }).click();
    await expect(bell).not.toHaveAttribute('open');
    await summary.click();
    // This request's notification (installed-it may have left her an unread one for another Firefox request).
    const note = bell
      .getByRole('listitem')
      .filter({ has: page.locator(`input[name="link"][value="/requests/${id}"]`) })
      .getByTestId('notification')
      .filter({ hasText: 'Mozilla Firefox is approved and ready to download' });
    await expect(note).toBeVisible();
    await expect(note.locator('.font-semibold')).toContainText('Mozilla Firefox is approved and ready to download');
    await page.screenshot({ path: `${shots}/bell.png` });
    await note.click();
    await expect(page).toHaveURL(new RegExp(`/requests/${id}$`));
    await expect(summary).toHaveAttribute(
      'aria-label',
      unread === 1 ? 'Notifications, none unread' : `Notifications, ${unread - 1} unread`,
    );
    await expect(bell).not.toHaveAttribute('open');
  });

  test('another user gets 404 from someone else’s request, and nonsense ids are 404 too', async ({ browser }) => {
    expect(intellijRequest).not.toBe('');
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, 'bob@example.com');
    for (const path of [`/requests/${intellijRequest}`, '/requests/not-a-uuid']) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole('heading', { name: 'Nothing here' })).toBeVisible();
      await expectNoStackTrace(page);
    }
    await page.goto('/requests');
    await expect(page.getByTestId('request-row').filter({ hasText: 'IntelliJ IDEA Ultimate' })).toHaveCount(0);
    await context.close();
  });

  test('the service desk reading someone else’s request is led back to the desk, not to “My requests”', async ({ browser }) => {
    expect(intellijRequest).not.toBe('');
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, demo.desk);
    await page.goto(`/requests/${intellijRequest}`);
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await expect(crumbs.getByRole('link')).toHaveText('Service desk');
    await expect(crumbs.getByRole('link')).toHaveAttribute('href', '/desk');
    await context.close();
  });

  test('a request sent again from a second tab says why at the top of the form instead of flickering', async ({ browser }) => {
    const context = await browser.newContext();
    const [first, second] = [await context.newPage(), await context.newPage()];
    await signIn(first, 'bob@example.com');
    for (const page of [first, second]) await page.goto('/catalogue/obsidian');
    await requestFor(first, 'bob-studio · macOS Apple silicon', 'Testing the design system API mocks.');
    await expect(first).toHaveURL(requestUrl);
    // The second tab still shows the form: its submission is refused by the service, and says so.
    await requestFor(second, 'bob-studio · macOS Apple silicon', 'Testing the design system API mocks.');
    await expect(second.getByTestId('form-error')).toContainText(/You already have (an open request for )?Obsidian/);
    await expect(second).toHaveURL(/\/catalogue\/obsidian$/);
    await context.close();
  });

  test('a user without devices is sent to enrol one; the empty list links to the catalogue', async ({ page }) => {
    await signIn(page, demo.librarian);
    await page.goto('/catalogue/firefox');
    const panel = page.getByTestId('request-panel');
    await expect(panel).toContainText('You have no enrolled devices');
    await expect(panel.getByRole('link', { name: 'Devices' })).toHaveAttribute('href', '/devices');
    await page.goto('/requests');
    await expect(page.getByRole('heading', { name: 'No requests yet' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Browse the catalogue' })).toHaveAttribute('href', '/catalogue');
  });

  test('on a phone: the request pages and the open bell fit the screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, demo.requester);
    // The request form is near the top of the product page, not below every release's hash table.
    await page.goto('/catalogue/intellij-idea');
    const form = page.getByTestId('request-panel');
    expect((await form.boundingBox())!.y).toBeLessThan(844);
    for (const path of ['/catalogue/intellij-idea', '/requests']) {
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.getByTestId('request-row').first().getByRole('link').first().click();
    await expect(page).toHaveURL(requestUrl);
    await page.getByTestId('notification-bell').locator('summary').click();
    const panel = page.getByTestId('notification-bell').getByRole('heading', { name: 'Notifications' });
    await expect(panel).toBeInViewport();
    const box = await page.getByTestId('notification-bell').locator('summary + div').boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${shots}/bell-phone.png`, fullPage: true });
  });
});
