import { expect, test } from '@playwright/test';
import { expectNoStackTrace, shot, signIn } from './support';

test('a deployment manager previews a target, plans a deployment with clear errors, schedules it and finds it on the calendar', async ({
  page,
}) => {
  await signIn(page, 'dana@example.com');
  await page.goto('/deployments');
  await expect(page.getByRole('link', { name: 'VLC 3.0.21 on test servers' })).toBeVisible();
  await shot(page, 'deployments-list');
  await page.getByLabel('Status').selectOption('active');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('link', { name: 'VLC 3.0.21 on test servers' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'PowerToys 0.93 for Windows test machines' })).toHaveCount(0);

  // A target with a live preview before saving.
  await page.goto('/deployments/targets/new');
  await page.getByLabel('Name').fill('E2E Linux servers in test');
  await page.getByRole('checkbox', { name: 'server' }).check();
  await expect(page.getByTestId('preview-count')).toContainText('5');
  await page.getByRole('group', { name: 'Environment' }).getByRole('checkbox', { name: 'Test' }).check();
  await expect(page.getByTestId('preview-count')).toContainText('2');
  await shot(page, 'target-new');
  await page.getByRole('button', { name: 'Save target' }).click();
  await expect(page.getByRole('link', { name: 'E2E Linux servers in test' })).toBeVisible();

  // The form names what is wrong, keeps what was typed.
  await page.goto('/deployments/new');
  await page.getByLabel('Name').fill('E2E PowerToys');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByTestId('error-releaseId')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue('E2E PowerToys');
  await page.getByLabel('Release').selectOption({ label: 'Microsoft PowerToys 0.93.0' });
  await page.getByLabel('Target').selectOption({ label: 'E2E Linux servers in test' });
  await page.getByLabel('Environment', { exact: true }).selectOption('test');
  const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);
  const earlier = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 16);
  await page.getByLabel('Available from (UTC)').fill(soon);
  await page.getByLabel('Deadline (UTC, optional)').fill(earlier);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByTestId('error-deadline')).toContainText('after the start');
  await page.getByLabel('Deadline (UTC, optional)').fill(new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 16));
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('heading', { name: 'E2E PowerToys' })).toBeVisible();
  await page.getByRole('button', { name: 'Schedule' }).click();
  await expect(page.getByText('Scheduled.')).toBeVisible();
  await page.reload();
  await expect(page.getByText('scheduled', { exact: true })).toBeVisible();
  await shot(page, 'deployment-detail');

  await page.goto('/deployments/calendar');
  await expect(page.getByRole('link', { name: 'E2E PowerToys' }).first()).toBeVisible();
  await shot(page, 'calendar');
  await expectNoStackTrace(page);

  // A draft into live cannot skip the environments before it.
  await page.goto('/deployments?status=draft');
  await page.getByRole('link', { name: 'VLC 3.0.21 to live servers (big bang)' }).click();
  await page.getByRole('button', { name: 'Send for approval' }).click();
  await expect(page.getByTestId('form-error')).toContainText('success threshold');
});

test('approvers reach their deployment list; requesters do not reach deployments', async ({ page }) => {
  await signIn(page, 'ops1@example.com');
  await page.goto('/approvals');
  await page.getByRole('link', { name: 'Deployments →' }).click();
  await expect(page.getByRole('heading', { name: 'Deployments to approve' })).toBeVisible();
  await page.goto('/deployments');
  await expect(page.getByText('You don’t have access to this page')).toBeVisible();
});
