import { expect, test, type Browser, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';

export const DEMO_PASSWORD = 'portal-demo';

export const demo = {
  requester: 'alice@example.com',
  approver: 'manager@example.com',
  librarian: 'librarian@example.com',
  desk: 'desk@example.com',
  admin: 'admin@example.com',
  deployments: 'dana@example.com',
  changes: 'chris@example.com',
  supplier: 'sam@supplier.example',
} as const;

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD, timeout?: number) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toBeVisible({ timeout });
  // Let the page hydrate: on a loaded machine a click that lands before React does can be lost.
  // Bounded: a page that keeps a request open (a streamed response) must not stall the test.
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
}

/** Nothing a user could take for a crash report: no stack frames, no error class names. */
export async function expectNoStackTrace(page: Page) {
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)|node_modules|Error:|CredentialsSignin|TypeError/);
}

/**
 * Adds a device on "My devices" for the signed-in user. Specs that request products use devices
 * of their own, so their requests never meet another spec's on the shared demo devices.
 */
export async function addDevice(page: Page, hostname: string, platformLabel: string) {
  await page.goto('/devices');
  await page.getByLabel('Device name').fill(hostname);
  await page.getByLabel('Platform').selectOption({ label: platformLabel });
  await page.getByRole('button', { name: 'Add device' }).click();
  await expect(page.getByTestId('device-row').filter({ hasText: hostname })).toBeVisible();
}

/** A page in a fresh browser context, signed in as `email`; confirm dialogs are accepted. */
export async function newPage(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('dialog', (d) => d.accept());
  await signIn(page, email);
  return page;
}

/** Full-page screenshots at 1280 and 390 px into the test's output folder; leaves the page at 1280. */
export async function shot(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** As the librarian: a new product (publisher Acme, category Utilities); `more` fills further fields before it is created. */
export async function createProduct(lib: Page, product: { name: string; slug: string }, more?: (form: Page) => Promise<void>) {
  await lib.goto('/library/products/new');
  await lib.getByLabel('Name', { exact: true }).fill(product.name);
  await lib.getByLabel('URL name').fill(product.slug);
  await lib.getByLabel('Publisher').fill('Acme');
  await lib.getByLabel('Category').fill('Utilities');
  await more?.(lib);
  await lib.getByRole('button', { name: 'Create product' }).click();
  await expect(lib.getByRole('heading', { name: product.name, level: 1 })).toBeVisible();
}

/** As the librarian: a release of `slug` with one Linux build of `bytes`, uploaded (its hash checked) and published. */
export async function publishLinuxBuild(lib: Page, slug: string, version: string, bytes: Buffer) {
  await lib.goto(`/library/products/${slug}`);
  await lib.getByLabel('Version').fill(version);
  await lib.getByRole('button', { name: 'Create draft release' }).click();
  const release = lib.getByTestId(`release-${version}`);
  await release.getByLabel('Platform').selectOption('linux-x64');
  await release
    .getByLabel('File', { exact: true })
    .setInputFiles({ name: `tool-${version}.tar.gz`, mimeType: 'application/gzip', buffer: bytes });
  await release.getByRole('button', { name: 'Upload artifact' }).click();
  await expect(release.getByTestId('upload-result')).toContainText(createHash('sha256').update(bytes).digest('hex'), { timeout: 60_000 });
  await release.getByRole('button', { name: 'Publish' }).click();
  await expect(release.getByText('published', { exact: true })).toBeVisible();
}
