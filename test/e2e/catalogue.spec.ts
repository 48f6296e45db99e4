import { expect, test } from '@playwright/test';
import { seedProducts } from '../../db/seed-data';
import { demo, signIn } from './support';

test.describe('catalogue', () => {
  test('searches, filters by category and platform, and pages', async ({ page }) => {
    await signIn(page, demo.requester);
    await expect(page.getByTestId('result-count')).toHaveText(/^\d+ products$/);
    await expect(page.getByTestId('product-name')).toHaveCount(12);
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(page).toHaveURL(/page=2/);

    await page.getByRole('searchbox', { name: 'Search' }).fill('jetbrains');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByTestId('product-name')).toHaveText(['IntelliJ IDEA Ultimate']);

    await page.goto('/catalogue');
    await page.getByRole('link', { name: 'Browsers', exact: true }).click();
    await expect(page.getByTestId('product-name')).toHaveText(['Brave Browser', 'Google Chrome', 'Microsoft Edge', 'Mozilla Firefox']);

    // One category control (the chips); a search keeps the chosen category.
    await page.goto('/catalogue');
    await expect(page.getByLabel('Category')).toHaveCount(0);
    await page.getByRole('link', { name: 'Utilities', exact: true }).click();
    await expect(page.getByRole('link', { name: 'Utilities', exact: true })).toHaveAttribute('aria-current', 'page');
    await page.getByLabel('Platform').selectOption('windows-arm64');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/category=Utilities/);
    const expected = seedProducts
      .filter((p) => p.category === 'Utilities' && !p.visibleToGroups)
      .filter((p) => p.releases.some((r) => r.status === 'published' && r.platforms.includes('windows-arm64')))
      .map((p) => p.name)
      .sort((a, b) => a.localeCompare(b, 'en'));
    expect(expected.length).toBeGreaterThan(0);
    await expect(page.getByTestId('product-name')).toHaveText(expected);

    // One match is "1 product matches", not "1 product match".
    await page.goto('/catalogue?q=jetbrains');
    await expect(page.getByTestId('result-count')).toHaveText(/^1 product matches your filters/);
    // A search longer than 100 characters is shortened, and the page says so, instead of being dropped.
    await page.goto(`/catalogue?q=${encodeURIComponent('jetbrains' + ' '.repeat(91) + 'x'.repeat(40))}`);
    await expect(page.getByTestId('search-shortened')).toContainText('at most 100 characters');
    await expect(page.getByTestId('product-name')).toHaveText(['IntelliJ IDEA Ultimate']);

    await page.getByRole('searchbox', { name: 'Search' }).fill('qwertyuiop');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('heading', { name: 'No products match' })).toBeVisible();
    await page.getByRole('link', { name: 'Show the whole catalogue' }).click();
    await expect(page.getByTestId('product-name')).toHaveCount(12);
  });

  test('hides group-restricted and unpublished products from a requester, even by URL', async ({ page }) => {
    await signIn(page, demo.requester);
    await page.getByRole('searchbox', { name: 'Search' }).fill('photoshop');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('heading', { name: 'No products match' })).toBeVisible();
    // …and a slug no product can have (a NUL byte) is the same 404, not a 500.
    for (const slug of ['adobe-photoshop', 'contoso-expense-capture', 'contoso-ledger-desktop', '%00']) {
      const response = await page.goto(`/catalogue/${slug}`);
      expect(response?.status(), slug).toBe(404);
      await expect(page.getByRole('heading', { name: 'Nothing here' })).toBeVisible();
    }
  });

  test('shows a product page with current release, release notes and full hashes (screenshots)', async ({ page }) => {
    await signIn(page, demo.requester);
    await page.screenshot({ path: 'test-results/screenshots/catalogue.png', fullPage: true });
    await page.getByRole('searchbox', { name: 'Search' }).fill('firefox');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: /Mozilla Firefox/ }).click();
    await expect(page.getByRole('heading', { name: 'Mozilla Firefox', level: 1 })).toBeVisible();
    await expect(page.getByTestId('current-version')).toHaveText('141.0');
    await expect(page.getByTestId('release')).toHaveCount(2); // the draft and the deprecated one are not shown
    await expect(page.getByText('142.0')).toHaveCount(0);
    // The full hashes are one click away, in each release's files section.
    const files = page.getByTestId('release-files').first();
    await expect(files.getByTestId('sha256').first()).toBeHidden();
    await files.locator('summary').click();
    await expect(files.getByTestId('sha256').first()).toBeVisible();
    const hashes = await page.getByTestId('sha256').allTextContents();
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: 'test-results/screenshots/product.png', fullPage: true });
  });

  test('the layout holds on a phone-sized screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, demo.admin);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/screenshots/catalogue-phone.png', fullPage: true });
  });
});
