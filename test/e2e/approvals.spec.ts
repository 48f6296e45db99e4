import { expect, test, type Browser, type Page } from '@playwright/test';
import { addDevice, demo, expectNoStackTrace, signIn } from './support';

// The tests run in order: the last one reads, as an admin, the audit events the others recorded.
test.describe.configure({ mode: 'serial' });

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

/**
 * The requester asks for a product through the catalogue's request form; returns the request id.
 * A device holds one entitlement per product, so each test names the device it asks for.
 */
// Alice's devices for this spec only (see addDevice).
const tag = Date.now().toString(36);
const winHost = `appr-win-${tag}`;
const macHost = `appr-mac-${tag}`;
let devicesAdded = false;

async function requestProduct(page: Page, slug: string, why: string, hostname = winHost): Promise<string> {
  if (!devicesAdded) {
    await addDevice(page, winHost, 'Windows x64');
    await addDevice(page, macHost, 'macOS Apple silicon');
    devicesAdded = true;
  }
  await page.goto(`/catalogue/${slug}`);
  // When they already hold it on another device, the form is folded away.
  const another = page.getByText('Request it for another device');
  if (await another.isVisible()) await another.click();
  const device = page.getByLabel('Device');
  await device.selectOption((await device.locator('option', { hasText: hostname }).getAttribute('value'))!);
  await page.getByLabel('Why do you need it?').fill(why);
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

const inboxRow = (page: Page, id: string) => page.getByTestId('inbox-row').filter({ has: page.locator(`a[href="/approvals/${id}"]`) });

test.describe('approvals', () => {
  test('a manager rejects without a reason (refused), approves with a comment, and the requester sees who approved and when', async ({
    browser,
  }) => {
    const alice = await signedIn(browser, demo.requester);
    const why = `I maintain the billing service in Kotlin and need the IDE for refactoring (${Date.now().toString(36)}).`;
    const id = await requestProduct(alice, 'intellij-idea', why, macHost);

    const maria = await signedIn(browser, demo.approver);
    await maria.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
    const row = inboxRow(maria, id);
    await expect(row).toContainText('Alice Anders');
    await expect(row).toContainText('Version current');
    await expect(row).toContainText(macHost);
    await expect(row).toContainText(why);
    await expect(row).toContainText(/just now|min ago/);
    await expect(row.getByTestId('on-behalf-of')).toHaveCount(0);
    await maria.screenshot({ path: 'test-results/screenshots/inbox.png', fullPage: true });

    // The search narrows the inbox, and says so when nothing matches.
    await maria.getByRole('searchbox', { name: 'Search' }).fill('no such product anywhere');
    await maria.getByRole('button', { name: 'Search' }).click();
    await expect(maria.getByRole('heading', { name: 'No request matches your search' })).toBeVisible();
    await maria.getByRole('searchbox', { name: 'Search' }).fill('IntelliJ');
    await maria.getByLabel('Sort').selectOption('newest');
    await maria.getByRole('button', { name: 'Search' }).click();
    await expect(maria).toHaveURL(/q=IntelliJ&sort=newest/);
    await expect(inboxRow(maria, id)).toBeVisible();

    await inboxRow(maria, id).getByRole('link', { name: 'IntelliJ IDEA Ultimate' }).click();
    await expect(maria.getByRole('heading', { name: 'IntelliJ IDEA Ultimate', level: 1 })).toBeVisible();
    await expect(maria.getByTestId('justification')).toHaveText(why);
    await expect(maria.locator('[aria-current="step"]')).toContainText('Manager');
    await expect(maria.getByTestId('history-entry').first()).toContainText('Submitted by Alice Anders');

    await maria.getByRole('button', { name: 'Reject' }).click();
    await expect(maria.getByTestId('error-comment')).toHaveText('Give the reason for rejecting.');
    await expect(maria.getByLabel('Comment')).toBeFocused();
    await maria.screenshot({ path: 'test-results/screenshots/approval-request.png', fullPage: true });

    await maria.getByLabel('Comment').fill('Approved for the billing refactoring.');
    await maria.getByRole('button', { name: 'Approve' }).click();
    await expect(maria).toHaveURL(/\/approvals\?done=approved/);
    await expect(maria.getByRole('status')).toContainText('You approved Alice Anders’s request for IntelliJ IDEA Ultimate.');
    await expect(inboxRow(maria, id)).toHaveCount(0);

    await alice.goto(`/requests/${id}`);
    const approved = alice
      .getByTestId('history')
      .getByRole('listitem')
      .filter({ has: alice.getByTestId('history-action').getByText('Approved', { exact: true }) });
    await expect(approved).toContainText('by Maria Manager');
    await expect(approved).toContainText('Approved for the billing refactoring.');
    await expect(approved.locator('time')).toHaveText(/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/);
    await expectNoStackTrace(maria);
  });

  test('bulk approval reports each request, including one decided meanwhile in another tab', async ({ browser }) => {
    const alice = await signedIn(browser, demo.requester);
    const why = 'Needed for the onboarding of the new platform team this month.';
    const docker = await requestProduct(alice, 'docker-desktop', why, macHost);
    const office = await requestProduct(alice, 'microsoft-365-apps', why);
    const figma = await requestProduct(alice, 'figma', why, macHost);

    const maria = await signedIn(browser, demo.approver);
    await maria.goto('/approvals');
    for (const id of [docker, office, figma]) await inboxRow(maria, id).getByRole('checkbox').check();
    await expect(maria.getByRole('button', { name: 'Approve selected (3)' })).toBeEnabled();

    // Meanwhile, in another tab, Figma is approved on its own.
    const tab = await maria.context().newPage();
    await tab.goto(`/approvals/${figma}`);
    await tab.getByRole('button', { name: 'Approve' }).click();
    await expect(tab).toHaveURL(/done=approved/);

    await maria.getByRole('button', { name: 'Approve selected (3)' }).click();
    const result = maria.getByTestId('bulk-result');
    await expect(result).toContainText('2 approved, 1 could not be: This request is already approved (decided by Maria Manager).');
    await expect(result).toContainText('Alice Anders’s request for Docker Desktop: approved');
    await expect(result).toContainText('Alice Anders’s request for Microsoft 365 Apps for enterprise: approved');
    await expect(result).toContainText(
      'Alice Anders’s request for Figma Desktop: This request is already approved (decided by Maria Manager).',
    );
    for (const id of [docker, office, figma]) await expect(inboxRow(maria, id)).toHaveCount(0);
    await maria.screenshot({ path: 'test-results/screenshots/approvals-bulk.png', fullPage: true });
  });

  test('a manager delegates to Otto Ops, who then sees her requests marked “on behalf of”', async ({ browser }) => {
    const maria = await signedIn(browser, demo.approver);
    await maria.goto('/approvals');
    await maria.getByRole('link', { name: 'Delegation →' }).click();
    await expect(maria.getByRole('heading', { name: 'Delegation', level: 1 })).toBeVisible();
    await maria.getByLabel('Delegate').selectOption({ label: 'Otto Ops' });
    const from = await maria.getByLabel('From (UTC)').inputValue();
    await maria.getByLabel('Until (UTC)').fill(from);
    await maria.getByRole('button', { name: 'Delegate' }).click();
    await expect(maria.getByTestId('error-endsAt')).toHaveText('The end must be after the start.');
    await expect(maria.getByLabel('Delegate')).toHaveValue(/[0-9a-f-]{36}/); // the choice survives the error
    const until = new Date(Date.parse(`${from}:00Z`) + 3 * 86_400_000).toISOString().slice(0, 16);
    await maria.getByLabel('Until (UTC)').fill(until);
    await maria.getByRole('button', { name: 'Delegate' }).click();
    await expect(maria.getByRole('status')).toContainText('Delegation saved');
    await expect(maria.getByTestId('delegation-given')).toHaveCount(1);
    await expect(maria.getByTestId('delegation-given')).toContainText('Otto Ops');
    await expect(maria.getByTestId('delegation-given')).toContainText('active');
    await maria.screenshot({ path: 'test-results/screenshots/delegation.png', fullPage: true });

    const alice = await signedIn(browser, demo.requester);
    const id = await requestProduct(alice, 'wireshark', 'Troubleshooting TLS handshakes between our services.', macHost);

    const otto = await signedIn(browser, 'ops1@example.com');
    await otto.goto('/approvals');
    await expect(inboxRow(otto, id).getByTestId('on-behalf-of')).toHaveText('on behalf of Maria Manager');
    await inboxRow(otto, id).getByRole('link', { name: 'Wireshark' }).click();
    await otto.getByLabel('Comment').fill('Approving while Maria is away.');
    await otto.getByRole('button', { name: 'Approve' }).click();
    await expect(otto.getByRole('status')).toContainText('It now waits on the next stage: Security Team.');

    await otto.goto(`/approvals/${id}`);
    await expect(otto.getByTestId('history-entry').filter({ hasText: 'Approved by Otto Ops' })).toContainText('on behalf of Maria Manager');

    // Ended early, the delegation no longer puts her requests in his inbox.
    await maria.getByRole('button', { name: 'End the delegation to Otto Ops now' }).click();
    await expect(maria.getByText('Nobody stands in for you.')).toBeVisible();
    const next = await requestProduct(alice, 'figma', 'Reviewing the design hand-off files for the new portal.');
    await otto.goto('/approvals');
    await expect(otto.locator(`a[href="/approvals/${next}"]`)).toHaveCount(0);
    await maria.goto('/approvals');
    await expect(inboxRow(maria, next)).toBeVisible();
  });

  test('an admin reads the audit log, filters it and follows an entity', async ({ browser }) => {
    const admin = await signedIn(browser, demo.admin);
    await admin.goto('/admin');
    await admin.getByRole('link', { name: 'Audit log →' }).click();
    await expect(admin.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
    await expect(admin.getByTestId('audit-row').first()).toBeVisible();

    await admin.getByLabel('Entity type').selectOption('service_request');
    await admin.getByLabel('Action starts with').fill('approval.');
    await admin.getByLabel('Actor').fill(demo.approver);
    await admin.getByRole('button', { name: 'Filter' }).click();
    const rows = admin.getByTestId('audit-row');
    await expect(rows.first()).toContainText('approval.approved');
    for (const text of await rows.allInnerTexts()) {
      expect(text).toContain('Maria Manager');
      expect(text).toContain('approval.');
    }
    await rows.first().locator('summary').click();
    await expect(rows.first().locator('pre')).toContainText('"stage":1');

    await rows
      .first()
      .getByRole('link', { name: /^Every event of .+ for .+/ }) // the request, named by product and requester
      .click();
    await expect(admin.getByTestId('entity-filter')).toBeVisible();
    await expect(admin).toHaveURL(/entityId=/);
    await admin.getByRole('link', { name: 'Clear filters' }).click();
    await expect(admin).toHaveURL(/\/admin\/audit$/);
    await expect(admin.getByLabel('Actor')).toHaveValue('');
    await admin.getByLabel('Entity type').selectOption('service_request');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await expect(admin.getByText('request.submitted').first()).toBeVisible();
    await expect(admin.getByText('Alice Anders').first()).toBeVisible();
    await admin.getByTestId('audit-row').first().locator('summary').click();
    await admin.screenshot({ path: 'test-results/screenshots/audit.png', fullPage: true });

    await admin.getByLabel('Actor').fill('nobody@example.com');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await expect(admin.getByTestId('error-actor')).toHaveText('No user has the email nobody@example.com.');
    await expectNoStackTrace(admin);
  });
});
