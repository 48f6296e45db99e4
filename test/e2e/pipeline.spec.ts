import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { baseURL } from '../../playwright.config';
import { demo, signIn } from './support';

interface Answer {
  status: number;
  body: { error?: string; field?: string; [key: string]: unknown };
}

/** curl's output with `-w '\n%{http_code}'` appended: the JSON body, then the status on its own line. */
function answer(stdout: string, stderr: string): Answer {
  const cut = stdout.lastIndexOf('\n');
  const status = Number(stdout.slice(cut + 1));
  if (!status) throw new Error(`curl failed: ${stderr}`);
  return { status, body: JSON.parse(stdout.slice(0, cut) || '{}') };
}

/** The real curl binary, as a pipeline would run it. */
function curl(...args: string[]): Answer {
  const r = spawnSync('curl', ['-sS', '-w', '\n%{http_code}', ...args], { encoding: 'utf8' });
  return answer(r.stdout, r.stderr);
}

/** The README's own commands, run by bash unchanged; a shell function only adds curl's status output. */
const readmeBlocks = (() => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Publishing from a pipeline')[1]!.split(/\n## /)[0]!;
  const [, create, upload, publish] = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return { create: create!, upload: upload!, publish: publish! };
})();
function runReadme(block: string, env: Record<string, string>, cwd: string): Answer {
  const script = `curl() { command curl -w '\\n%{http_code}' "$@"; }\n${block}`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd, env: { ...process.env, ...env } });
  return answer(r.stdout, r.stderr);
}

test.describe('publishing from a pipeline', () => {
  test('a librarian creates a token; curl publishes a build idempotently; the catalogue shows it', async ({ page }) => {
    const version = `2.99.${Date.now()}`;
    const tokenName = `e2e git pipeline ${Date.now()}`;
    const work = mkdtempSync(path.join(os.tmpdir(), 'portal-pipeline-'));
    try {
      await signIn(page, demo.librarian);
      await page.goto('/library/tokens');
      await expect(page.getByRole('heading', { name: 'Pipeline tokens', level: 1 })).toBeVisible();

      await page.getByRole('button', { name: 'Create token' }).click();
      await expect(page.getByTestId('form-error')).toBeVisible();
      await expect(page.getByText('Choose at least one product the token may publish.')).toBeVisible();

      await page.getByLabel('Name', { exact: true }).fill(tokenName);
      await page.getByRole('checkbox', { name: 'Git', exact: true }).check();
      await page.getByRole('button', { name: 'Create token' }).click();
      const secret = (await page.getByTestId('token-secret').textContent())!.trim();
      expect(secret).toMatch(/^ppt_[A-Za-z0-9_-]{43}$/);
      const row = page.getByTestId('token-row').filter({ hasText: tokenName });
      await expect(row).toContainText('Git');
      await expect(row).toContainText(secret.slice(0, 12));
      await expect(row).toContainText('active');
      await page.screenshot({ path: 'test-results/screenshots/pipeline-tokens.png', fullPage: true });
      // Shown once: after a reload only the prefix is left.
      await page.reload();
      await expect(row).toContainText(secret.slice(0, 12));
      await expect(page.getByTestId('token-secret')).toHaveCount(0);
      await expect(page.locator('body')).not.toContainText(secret.slice(12));

      // A file larger than Next's 10 MB proxy buffer, to show uploads are streamed, not truncated.
      const file = path.join(work, `git-${version}.tar.gz`);
      const bytes = randomBytes(11 * 1024 * 1024);
      writeFileSync(file, bytes);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const shown = spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];
      expect(shown).toBe(sha256);

      const env = { PORTAL: baseURL, TOKEN: secret, PRODUCT: 'git', VERSION: version, PLATFORM: 'linux-x64', FILE: file };
      const created = runReadme(readmeBlocks.create, env, work);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ product: 'git', version, status: 'draft' });
      const again = runReadme(readmeBlocks.create, env, work);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(created.body.id);

      const uploaded = runReadme(readmeBlocks.upload, env, work);
      expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
      expect(uploaded.body).toMatchObject({ platform: 'linux-x64', fileName: path.basename(file), sha256, size: bytes.length });
      const reUploaded = runReadme(readmeBlocks.upload, env, work);
      expect(reUploaded.status).toBe(200);
      expect(reUploaded.body.id).toBe(uploaded.body.id);

      const api = `${baseURL}/api/v1/products/git/releases/${version}`;
      const wrong = curl(
        '-T',
        file,
        `${api}/artifacts/macos-arm64`,
        '-H',
        'X-File-Name: git.pkg',
        '-H',
        `Authorization: Bearer ${secret}`,
        '-H',
        `X-Checksum-SHA256: ${'0'.repeat(64)}`,
      );
      expect(wrong.status).toBe(422);
      expect(wrong.body.field).toBe('sha256');
      expect(wrong.body.error).toMatch(/SHA-256/);

      const published = runReadme(readmeBlocks.publish, env, work);
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      expect(published.body).toMatchObject({ version, status: 'published', changeRef: 'CHG-1234' });
      const rePublished = runReadme(readmeBlocks.publish, env, work);
      expect(rePublished.status).toBe(200);
      expect(rePublished.body.publishedAt).toBe(published.body.publishedAt);
      // Even the upload step re-run after publishing is answered 200 without changing anything.
      expect(runReadme(readmeBlocks.upload, env, work).status).toBe(200);

      await page.goto('/catalogue/git');
      await expect(page.getByTestId('current-version')).toHaveText(version);
      const release = page.getByTestId('release').filter({ hasText: `Version ${version}` });
      await expect(release.getByTestId('sha256')).toHaveText(sha256);
      await expect(page.getByTestId('release').filter({ hasText: `Version ${version}` })).toHaveCount(1);

      // Revoked in the UI, the token stops working at once.
      await page.goto('/library/tokens');
      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByRole('button', { name: 'Yes, revoke' }).click();
      await expect(row).toContainText('revoked');
      await expect(row.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
      const afterRevoke = curl('-X', 'POST', `${api}/publish`, '-H', `Authorization: Bearer ${secret}`);
      expect(afterRevoke.status).toBe(401);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('refuses missing, unknown and out-of-scope tokens and malformed input with the right status', async ({ page }) => {
    await signIn(page, demo.librarian);
    await page.goto('/library/tokens');
    await page.getByLabel('Name', { exact: true }).fill(`e2e scope ${Date.now()}`);
    await page.getByRole('checkbox', { name: 'Git', exact: true }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('token-secret').textContent())!.trim();
    const auth = `Authorization: Bearer ${secret}`;
    const json = ['-H', 'Content-Type: application/json'];
    const releasesOf = (slug: string) => `${baseURL}/api/v1/products/${slug}/releases`;

    const none = curl('-X', 'POST', releasesOf('git'), ...json, '-d', '{"version":"1.0"}');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/token/);
    const garbage = curl('-X', 'POST', releasesOf('git'), '-H', 'Authorization: Bearer ppt_garbage', ...json, '-d', '{"version":"1.0"}');
    // The same answer (only each response's own request id differs).
    expect({ ...garbage, body: { ...garbage.body, requestId: undefined } }).toEqual({
      ...none,
      body: { ...none.body, requestId: undefined },
    });
    expect(garbage.body.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const otherProduct = curl('-X', 'POST', releasesOf('nodejs'), '-H', auth, ...json, '-d', '{"version":"1.0"}');
    expect(otherProduct.status).toBe(403);
    const unknown = curl('-X', 'POST', releasesOf('no-such-product'), '-H', auth, ...json, '-d', '{"version":"1.0"}');
    expect(unknown.status).toBe(404);
    expect(unknown.body.field).toBe('product');

    const badVersion = curl('-X', 'POST', releasesOf('git'), '-H', auth, ...json, '-d', '{"version":"v 1/2"}');
    expect(badVersion.status).toBe(422);
    expect(badVersion.body.field).toBe('version');
    const badJson = curl('-X', 'POST', releasesOf('git'), '-H', auth, ...json, '-d', '{"version":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toMatch(/JSON/);
    const badName = curl('-T', '/dev/null', `${releasesOf('git')}/2.50.1/artifacts/linux-x64?fileName=..%2Fevil`, '-H', auth);
    expect(badName.status).toBe(422);
    expect(badName.body.field).toBe('fileName');
    const asForm = curl('--data-binary', 'x', '-X', 'PUT', `${releasesOf('git')}/2.50.1/artifacts/linux-x64?fileName=a.bin`, '-H', auth);
    expect(asForm.status).toBe(422);
    expect(asForm.body.field).toBe('mediaType');
    const noChecksum = curl('-T', '/dev/null', `${releasesOf('git')}/2.50.1/artifacts/linux-x64`, '-H', auth, '-H', 'X-File-Name: a.bin');
    expect(noChecksum.status).toBe(422);
    expect(noChecksum.body.field).toBe('sha256');
  });
});
