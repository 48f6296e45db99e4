import { expect, test } from '@playwright/test';
import { demo, signIn } from './support';

test('an admin grants a role and a group, and takes the role away: both apply at the person’s next request', async ({ browser }) => {
  // Selma is signed in before anything changes: her session carries no roles, so none go stale.
  const selma = await (await browser.newContext()).newPage();
  await signIn(selma, 'sec2@example.com');
  expect((await selma.goto('/desk'))?.status()).toBe(403);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, demo.admin);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await admin.getByRole('link', { name: 'Selma Secure' }).click();
  await expect(admin.getByRole('heading', { name: 'Selma Secure', level: 1 })).toBeVisible();
  await admin.getByLabel('Service desk').check();
  await admin.getByLabel('Pilot Ring').check();
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('status')).toHaveText('Saved.');
  const row = admin.getByRole('row').filter({ hasText: 'Selma Secure' });
  await expect(row).toContainText('Service desk');
  await expect(row).toContainText('Pilot Ring');

  await selma.goto('/catalogue');
  await selma.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service desk' }).click();
  await expect(selma.getByRole('heading', { name: 'Install records', level: 1 })).toBeVisible();

  // Taking the role away works on her very next request, whatever her session still says.
  await admin.getByRole('link', { name: 'Selma Secure' }).click();
  await admin.getByLabel('Service desk').uncheck();
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('status')).toHaveText('Saved.');
  expect((await selma.reload())?.status()).toBe(403);

  // An admin cannot lock themselves out.
  await admin.getByRole('link', { name: 'Ada Admin' }).click();
  await admin.getByLabel('Administrator').uncheck();
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByTestId('error-roles')).toHaveText('You cannot remove your own administrator role.');
});

test('an admin sees the background jobs; nobody else does', async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, demo.admin);
  await admin.goto('/admin');
  await admin.getByRole('link', { name: 'Background jobs →' }).click();
  await expect(admin.getByRole('heading', { name: 'Background jobs', level: 1 })).toBeVisible();
  for (const section of ['Failed', 'Running', 'Queued', 'Completed in the last day']) {
    await expect(admin.getByRole('heading', { name: new RegExp(`^${section} \\(\\d+\\)$`), level: 2 })).toBeVisible();
  }
  const alice = await (await browser.newContext()).newPage();
  await signIn(alice, 'alice@example.com');
  expect((await alice.goto('/admin/jobs'))?.status()).toBe(403);
});
