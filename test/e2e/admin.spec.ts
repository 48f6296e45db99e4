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

test('the audit log names what each event is about and exports its filtered rows as CSV; the desk may not', async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, demo.admin);
  await admin.goto('/admin/audit?entityType=user');
  // The admin's own role changes (the test above) are about people, named as such.
  await expect(admin.getByTestId('entity-name').first()).toHaveText(/^.+ <.+@example\.com>$/);
  const link = admin.getByTestId('audit-export');
  await expect(link).toHaveText('Export CSV (these filters)');
  const response = await admin.request.get((await link.getAttribute('href'))!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
  const lines = (await response.text()).trim().split('\r\n');
  expect(lines[0]).toBe('at,actor_kind,actor,actor_detail,actor_id,action,entity_type,entity,entity_id,before,after,event_id');
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.split(',')[6] === 'user')).toBe(true);

  const desk = await (await browser.newContext()).newPage();
  await signIn(desk, demo.desk);
  expect((await desk.request.get('/admin/audit/export')).status()).toBe(403);
});

test('an admin creates, renames and archives a group; one a product depends on cannot be archived', async ({ page }) => {
  await signIn(page, demo.admin);
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Groups →' }).click();
  await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
  const create = page.getByRole('region', { name: 'New group' });
  await create.getByLabel('Name').fill('Field Engineers');
  await create.getByLabel('Description').fill('On-site support');
  await create.getByRole('button', { name: 'Create group' }).click();
  await expect(create.getByRole('status')).toHaveText('Group Field Engineers created.');
  // The same name in other letters is the same group to people: refused beside the field.
  await create.getByLabel('Name').fill('field engineers');
  await create.getByRole('button', { name: 'Create group' }).click();
  await expect(create.getByTestId('error-name')).toHaveText('A group called field engineers already exists.');

  const row = page.getByTestId('group-row').filter({ has: page.getByRole('heading', { name: 'Field Engineers' }) });
  await row.getByLabel('Name').fill('Field Service');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('group-row').filter({ has: page.getByRole('heading', { name: 'Field Service' }) })).toHaveCount(1);
  const renamed = page.getByTestId('group-row').filter({ has: page.getByRole('heading', { name: 'Field Service' }) });
  await renamed.getByRole('button', { name: 'Archive group' }).click();
  await expect(renamed).toContainText('archived');
  await page.screenshot({ path: 'test-results/screenshots/admin-groups.png', fullPage: true });

  const finance = page.getByTestId('group-row').filter({ has: page.getByRole('heading', { name: 'Finance', exact: true }) });
  await expect(finance).toContainText('used by Contoso Ledger Desktop');
  await finance.getByRole('button', { name: 'Archive group' }).click();
  await expect(finance.getByRole('alert')).toContainText('Finance is still used by Contoso Ledger Desktop');
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
