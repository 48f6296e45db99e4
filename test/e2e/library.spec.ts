import { expect, test } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { demo, signIn } from './support';

test.describe('library', () => {
  test('a librarian creates a product, uploads an artifact with progress, publishes, deprecates and withdraws', async ({ browser }) => {
    test.setTimeout(120_000);
    const suffix = Date.now().toString(36);
    const name = `Acme Agent ${suffix}`;
    const file = { name: 'acme-agent.msi', mimeType: 'application/octet-stream', buffer: randomBytes(6 * 1024 * 1024) };
    const sha = createHash('sha256').update(file.buffer).digest('hex');

    const lib = await (await browser.newContext()).newPage();
    lib.on('dialog', (d) => d.accept());
    await signIn(lib, demo.librarian);
    await lib.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
    await lib.getByRole('link', { name: 'New product' }).click();
    await lib.getByLabel('Name', { exact: true }).fill(name);
    await lib.getByLabel('Publisher').fill('Acme');
    await lib.getByLabel('Category').fill('Utilities');
    await lib.getByLabel('Licence model').selectOption('per-seat');
    await lib.getByRole('button', { name: 'Create product' }).click();
    await expect(lib.getByTestId('error-seatLimit')).toHaveText('A per-seat licence needs a seat limit.');
    await expect(lib.getByLabel('Name', { exact: true })).toHaveValue(name); // what was typed survives the error
    await lib.getByLabel('Seat limit').fill('5');
    await lib.getByRole('button', { name: '+ Add a stage' }).click();
    await lib.screenshot({ path: 'test-results/screenshots/library-new-product.png', fullPage: true });
    await lib.getByRole('button', { name: 'Create product' }).click();
    await expect(lib.getByRole('heading', { name, level: 1 })).toBeVisible();

    await lib.getByLabel('Version').fill('bad version!');
    await lib.getByRole('button', { name: 'Create draft release' }).click();
    await expect(lib.getByTestId('error-version')).toContainText('A version uses letters, digits');
    await lib.getByLabel('Version').fill('1.0.0');
    await lib.getByLabel('Release notes').fill('First managed build.');
    await lib.getByRole('button', { name: 'Create draft release' }).click();
    const release = lib.getByTestId('release-1.0.0');
    await expect(release.getByText('draft', { exact: true })).toBeVisible();

    // A wrong expected hash is refused and nothing is stored.
    await release.getByLabel('File', { exact: true }).setInputFiles(file);
    await release.getByLabel(/Expected SHA-256/).fill('0'.repeat(64));
    await release.getByRole('button', { name: 'Upload artifact' }).click();
    await expect(release.getByTestId('upload-error')).toContainText('not the expected');
    await expect(release.getByText('No artifacts yet.')).toBeVisible();

    await release.getByLabel(/Expected SHA-256/).fill(sha);
    // A 6 MiB upload to a local server can finish before the progress bar is looked at: send it
    // at 4 MiB/s, as a real network would, so the bar is seen for a moment and then the result.
    const cdp = await lib.context().newCDPSession(lib);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 4 * 1024 * 1024,
    });
    await release.getByRole('button', { name: 'Upload artifact' }).click();
    await expect(release.getByRole('progressbar', { name: 'Upload progress' })).toBeVisible();
    await expect(release.getByTestId('upload-result')).toContainText(sha, { timeout: 60_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expect(release.getByText(sha)).toHaveCount(2); // the result and the artifact row
    await lib.screenshot({ path: 'test-results/screenshots/library-release.png', fullPage: true });

    await release.getByRole('button', { name: 'Publish' }).click();
    await expect(release.getByText('published', { exact: true })).toBeVisible();
    await expect(release.getByText('current')).toBeVisible();

    // A requester now finds it in the catalogue with the same hash.
    const alice = await (await browser.newContext()).newPage();
    await signIn(alice, demo.requester);
    await alice.getByRole('searchbox', { name: 'Search' }).fill(name);
    await alice.getByRole('button', { name: 'Search' }).click();
    await alice.getByRole('link', { name: new RegExp(name) }).click();
    await expect(alice.getByTestId('current-version')).toHaveText('1.0.0');
    await expect(alice.getByTestId('sha256')).toHaveText([sha]);

    await release.getByRole('button', { name: 'Deprecate' }).click();
    await expect(release.getByText('deprecated', { exact: true })).toBeVisible();
    const asked: string[] = [];
    lib.on('dialog', (d) => void asked.push(d.message()));
    await release.getByRole('button', { name: 'Withdraw' }).click();
    await expect(release.getByTestId('form-error')).toHaveText('Give the reason for withdrawal.');
    expect(asked).toEqual([]); // no "are you sure?" for a withdrawal that cannot happen yet
    await release.getByLabel('Reason for withdrawal').fill('Installer fails on Windows 11 24H2');
    await release.getByRole('button', { name: 'Withdraw' }).click();
    await expect(release.getByText('withdrawn', { exact: true })).toBeVisible();
    expect(asked).toEqual(['Withdraw this release? It can never be downloaded again.']);
    await expect(release.getByText('Withdrawn: Installer fails on Windows 11 24H2')).toBeVisible();

    // With nothing published left, the product is gone for requesters, even by its URL.
    const response = await alice.reload();
    expect(response?.status()).toBe(404);
  });
});
