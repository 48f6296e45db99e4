import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { demo, signIn } from './support';

// A real 2×2 PNG, so the browser draws it (a broken image would pass an alt-text check too).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFUlEQVR4nGNgYGD4z8DAwMDAwMAAAAwAAf8ZxT8yAAAAAElFTkSuQmCC',
  'base64',
);
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0f766e"/><circle cx="32" cy="32" r="14" fill="#fff"/></svg>',
);
const viewports = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
const shots = '/work/shots/product';

test.describe.configure({ mode: 'serial' });

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target}`);
}

test('a librarian adds an icon and a screenshot; a requester sees them, Markdown notes, and hashes tucked away', async ({ browser }) => {
  test.setTimeout(90_000);
  const lib = await (await browser.newContext()).newPage();
  await signIn(lib, demo.librarian);
  await lib.goto('/library/products/inkscape/edit');

  // A hostile SVG is refused with the reason beside nothing stored; a clean one is taken.
  await lib
    .getByLabel(/^Icon/)
    .setInputFiles({ name: 'icon.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg onload="alert(1)"></svg>') });
  await lib.getByRole('button', { name: 'Upload icon' }).click();
  await expect(lib.getByTestId('form-error').first()).toContainText('event-handler');
  await lib.getByLabel(/^Icon/).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: SVG }); // the name lies; the bytes decide
  await lib.getByRole('button', { name: 'Upload icon' }).click();
  await expect(lib.getByText('Icon updated.')).toBeVisible();

  // Alt text is required before anything is stored.
  await lib.getByLabel('Screenshot', { exact: true }).setInputFiles({ name: 'main.png', mimeType: 'image/png', buffer: PNG });
  await lib.getByLabel('Description (alt text)').fill('Inkscape main window with a drawing open');
  await lib.getByRole('button', { name: 'Add screenshot' }).click();
  await expect(lib.getByText('Screenshot added.')).toBeVisible();
  await expect(lib.getByTestId('screenshot-list')).toContainText('Inkscape main window with a drawing open');

  const alice = await (await browser.newContext()).newPage();
  await signIn(alice, demo.requester);
  await alice.goto('/catalogue/inkscape');
  const icon = alice.locator('header img[src*="/api/products/inkscape/icon"]');
  await expect(icon).toBeVisible();
  expect(await icon.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0); // drawn under the page CSP
  const iconRes = await alice.request.get((await icon.getAttribute('src'))!);
  expect(iconRes.headers()['content-type']).toBe('image/svg+xml');
  expect(iconRes.headers()['content-security-policy']).toContain('sandbox');
  const shot = alice.getByRole('img', { name: 'Inkscape main window with a drawing open' });
  await expect(shot).toBeVisible();
  expect(await shot.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);

  // Firefox's current notes are Markdown: bold and a list, rendered, not shown as asterisks.
  await alice.goto('/catalogue/firefox');
  const whatsNew = alice.getByRole('region', { name: /What’s new in/ });
  await expect(whatsNew.locator('strong')).toHaveText('New major release.');
  await expect(whatsNew.getByRole('listitem')).toHaveCount(3);
  await expect(whatsNew).not.toContainText('**');
  // The full hashes are there, but only once asked for.
  const hash = alice.getByTestId('sha256').first();
  await expect(hash).toBeHidden();
  await alice.getByTestId('release-files').first().locator('summary').click();
  await expect(hash).toBeVisible();
  await expect(hash).toHaveText(/^[0-9a-f]{64}$/);
});

// Runs after the upload above (serial), on the pages it changed.
test('the changed product and library pages pass axe and fit a phone', async ({ browser }) => {
  test.setTimeout(90_000);
  const alice = await (await browser.newContext()).newPage();
  await signIn(alice, demo.requester);
  for (const vp of viewports) {
    await alice.setViewportSize(vp);
    for (const slug of ['inkscape', 'firefox']) {
      await alice.goto(`/catalogue/${slug}`);
      expect(await seriousViolations(alice), `${slug} at ${vp.name}`).toEqual([]);
      await alice.screenshot({ path: `${shots}/product-${slug}-${vp.width}.png`, fullPage: true });
    }
    // On a phone the request panel comes before the long content.
    if (vp.name === 'phone') {
      const panelTop = (await alice.getByTestId('request-panel').boundingBox())!.y;
      expect(panelTop).toBeLessThan(900);
    }
  }
  const lib = await (await browser.newContext()).newPage();
  await signIn(lib, demo.librarian);
  for (const vp of viewports) {
    await lib.setViewportSize(vp);
    await lib.goto('/library/products/inkscape/edit');
    expect(await seriousViolations(lib), `library edit at ${vp.name}`).toEqual([]);
    await lib.screenshot({ path: `${shots}/library-edit-${vp.width}.png`, fullPage: true });
  }
});

test('the 404 and 403 pages keep the portal navigation and have exactly one main landmark', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, demo.requester);
  const cases = [
    { path: '/approvals', status: 403, heading: 'You don’t have access to this page' }, // a requester is no approver
    { path: '/catalogue/no-such-product', status: 404, heading: 'Nothing here' },
  ];
  for (const vp of viewports) {
    await page.setViewportSize(vp);
    for (const c of cases) {
      const res = await page.goto(c.path);
      expect(res?.status(), c.path).toBe(c.status);
      await expect(page.getByRole('heading', { level: 1, name: c.heading })).toBeVisible();
      await expect(page.getByRole('main')).toHaveCount(1);
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalogue' })).toBeVisible();
      expect(await seriousViolations(page), `${c.path} at ${vp.name}`).toEqual([]);
      await page.screenshot({ path: `${shots}/status-${c.status}-${vp.width}.png`, fullPage: true });
    }
    // A URL no route matches is rendered outside the portal layout: still one main.
    expect((await page.goto('/no-such-page'))?.status()).toBe(404);
    await expect(page.getByRole('main')).toHaveCount(1);
  }
});
