import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, demo, expectNoStackTrace, signIn } from './support';

test.describe('sign-in', () => {
  test('sends a signed-out visitor to sign in and back to the page they wanted', async ({ page }) => {
    await page.goto('/catalogue/firefox');
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fcatalogue%2Ffirefox/);
    await page.getByLabel('Email').fill(demo.requester);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/catalogue\/firefox$/);
    await expect(page.getByRole('heading', { name: 'Mozilla Firefox' })).toBeVisible();
  });

  test('never redirects off-site after sign-in', async ({ page }) => {
    await page.goto('/sign-in?callbackUrl=https://evil.example/phish');
    await page.getByLabel('Email').fill(demo.requester);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/catalogue$/);
  });

  test('explains empty, malformed and overlong input beside the field, without a stack trace', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Enter your email address.')).toBeVisible();
    await expect(page.getByText('Enter your password.')).toBeVisible();
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');

    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('x');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Enter a valid email address, like name@example.com.')).toBeVisible();

    await page.getByLabel('Email').fill(demo.requester);
    await page.getByLabel('Password').fill('p'.repeat(300));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('A password is at most 256 characters.')).toBeVisible();
    await expectNoStackTrace(page);
  });

  test('gives one clear message for a wrong password and for an unknown account', async ({ page }) => {
    for (const [email, password] of [
      [demo.requester, 'wrong-password'],
      ['nobody@example.com', DEMO_PASSWORD],
    ] as const) {
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('form-error')).toHaveText('That email and password do not match an active account.');
      await expect(page.getByLabel('Email')).toHaveValue(email); // kept, so only the password is retyped
      await expectNoStackTrace(page);
    }
  });

  test('locks an account after five failures, even for the right password', async ({ page }) => {
    await page.goto('/sign-in');
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Email').fill('fiona@example.com');
      await page.getByLabel('Password').fill(`guess-${i}`);
      // Wait for each answer: the message looks the same every time, so seeing it proves nothing new.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await expect(page.getByTestId('form-error')).toHaveText('That email and password do not match an active account.');
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    }
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('form-error')).toHaveText(/Too many failed sign-ins\. Try again in \d+ minutes?\./);
    await page.goto('/catalogue');
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test('the browser finds the portal’s icon at /favicon.ico without signing in', async ({ request }) => {
    const response = await request.get('/favicon.ico');
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/image\/(x-icon|vnd.microsoft.icon)/);
    expect((await response.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  });

  test('signs out', async ({ page }) => {
    await signIn(page, demo.requester);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/catalogue');
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test('a session cookie copied before sign-out opens nothing afterwards', async ({ page, browser }) => {
    await signIn(page, demo.requester);
    const copied = await page.context().cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    const thief = await browser.newContext();
    await thief.addCookies(copied);
    const other = await thief.newPage();
    await other.goto('/catalogue');
    await expect(other).toHaveURL(/\/sign-in/);
    await thief.close();
  });

  test('an administrator signs someone out everywhere: their open session ends at its next request', async ({ page, browser }) => {
    const bob = await browser.newContext();
    const bobPage = await bob.newPage();
    await signIn(bobPage, 'bob@example.com');
    await signIn(page, demo.admin);
    await page.goto('/admin');
    await page.getByRole('link', { name: /Bob/ }).first().click();
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect(page.getByText(/Signed out of [1-9]\d* sessions?\./)).toBeVisible();
    await bobPage.goto('/requests');
    await expect(bobPage).toHaveURL(/\/sign-in/);
    await bob.close();
  });

  test('every page carries a nonce CSP that forbids framing, and the security headers', async ({ page, request }) => {
    for (const path of ['/sign-in', '/forbidden']) {
      const res = await request.get(path);
      const csp = res.headers()['content-security-policy'] ?? '';
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers()['x-frame-options']).toBe('DENY');
      expect(res.headers()['x-content-type-options']).toBe('nosniff');
      expect(res.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
    const api = await request.get('/api/v1/device/pulls');
    expect(api.headers()['x-content-type-options']).toBe('nosniff');
    // The nonce works: the signed-in app hydrates and runs its scripts under the policy.
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, demo.requester);
    await page.goto('/catalogue');
    await page.getByRole('searchbox').first().fill('fire');
    expect(violations).toEqual([]);
  });
});
