import { expect, test, type Page } from '@playwright/test';
import { demo, newPage, shot } from './support';

const suffix = Date.now().toString(36);
const changeRef = `CHG-FW-${suffix}`;
const hour = 3_600_000;
/** A datetime-local value, in UTC as the forms label it. */
const utcLocal = (d: Date) => d.toISOString().slice(0, 16);

/** An admin issues a credential to a seeded supplier on Admin → Suppliers; its secret is shown once. */
async function credentialFor(admin: Page, supplier: string): Promise<string> {
  await admin.goto('/admin/suppliers');
  const section = admin.getByTestId('supplier').filter({ has: admin.getByRole('heading', { name: supplier }) });
  await section.getByLabel('Credential name').fill(`e2e ${suffix}`);
  await section.getByLabel('Expires on').fill(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
  await section.getByRole('button', { name: 'Create credential' }).click();
  const status = section.getByRole('status');
  await expect(status).toContainText('pst_', { timeout: 30_000 });
  return /pst_[A-Za-z0-9_-]{43}/.exec((await status.textContent()) ?? '')![0];
}

test('a supplier announces and reports firmware, the change manager approves, the desk sees it; an unannounced patch is drift', async ({
  browser,
  request,
}) => {
  test.setTimeout(90_000);
  const admin = await newPage(browser, demo.admin);
  const northwind = `Bearer ${await credentialFor(admin, 'Northwind Networks')}`;
  const contoso = `Bearer ${await credentialFor(admin, 'Contoso Hosting')}`;
  await shot(admin, 'admin-suppliers');

  // The deployment manager records the change (standard, asked for by someone who is not a change manager: one approval).
  const dana = await newPage(browser, demo.deployments);
  await dana.goto('/changes');
  await dana.getByLabel('Reference').fill(changeRef);
  await dana.getByLabel('Title').fill('Northwind: core switch firmware 17.12');
  await dana.getByLabel('Kind').selectOption('standard');
  await dana.getByLabel('Window start (UTC)').fill(utcLocal(new Date(Date.now() - hour)));
  await dana.getByLabel('Window end (UTC)').fill(utcLocal(new Date(Date.now() + 4 * hour)));
  await dana.getByRole('button', { name: 'Record change' }).click();
  await expect(dana.getByRole('heading', { level: 1, name: new RegExp(changeRef) })).toBeVisible({ timeout: 30_000 });
  const changeUrl = dana.url();

  // Announce on two network devices; a third, outside Northwind's scope, refuses the whole announcement.
  const window = { windowStart: new Date(Date.now() - hour).toISOString(), windowEnd: new Date(Date.now() + 3 * hour).toISOString() };
  const refused = await request.post('/api/v1/supplier/announcements', {
    headers: { authorization: northwind },
    data: { component: 'Switch firmware', version: '17.12.1', items: ['core-sw-01', 'edge-fw-01', 'core-sw-02'], changeRef, ...window },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toMatchObject({ field: 'items[2]', error: expect.stringContaining('core-sw-02') });
  const announced = await request.post('/api/v1/supplier/announcements', {
    headers: { authorization: northwind, 'Idempotency-Key': `ann-${suffix}` },
    data: { component: 'Switch firmware', version: '17.12.1', items: ['core-sw-01', 'edge-fw-01'], changeRef, ...window },
  });
  expect(announced.status()).toBe(201);

  // The change manager approves the change.
  const chris = await newPage(browser, demo.changes);
  await chris.goto(changeUrl);
  await chris.getByLabel('Decision', { exact: true }).selectOption('approved');
  await chris.getByLabel('Comment (a rejection needs a reason)').fill('Firmware fixes CVE; rollback image staged.');
  await chris.getByRole('button', { name: 'Record decision' }).click();
  await expect(chris.getByRole('row', { name: /Chris Change approved/ })).toBeVisible({ timeout: 30_000 });

  // Northwind reports both devices done; a retry of the same batch records nothing twice.
  const batch = {
    component: 'Switch firmware',
    reports: ['core-sw-01', 'edge-fw-01'].map((item) => ({
      item,
      status: 'succeeded',
      version: '17.12.1',
      evidence: `https://noc.northwind.example/${suffix}/${item}`,
    })),
  };
  for (const expected of [201, 200]) {
    const r = await request.post('/api/v1/supplier/reports', {
      headers: { authorization: northwind, 'Idempotency-Key': `rep-${suffix}` },
      data: batch,
    });
    expect(r.status()).toBe(expected);
    expect((await r.json()).results).toMatchObject([
      { announced: true, unauthorised: false },
      { announced: true, unauthorised: false },
    ]);
  }

  // Contoso patches a live server without announcing it or citing a change.
  const patch = await request.post('/api/v1/supplier/reports', {
    headers: { authorization: contoso },
    data: { component: `Kernel hotfix ${suffix}`, reports: [{ item: 'srv-live-01', status: 'succeeded', version: '6.8.0-51' }] },
  });
  expect(patch.status()).toBe(201);
  expect((await patch.json()).results).toMatchObject([{ announced: false, unauthorised: true }]);

  // The desk sees both firmware updates with their provenance…
  const desk = await newPage(browser, demo.desk);
  await desk.goto('/desk?source=supplier');
  const firmware = desk.getByTestId('supplier-event').filter({ hasText: '17.12.1' });
  await expect(firmware).toHaveCount(2);
  for (const host of ['core-sw-01', 'edge-fw-01']) {
    const row = firmware.filter({ hasText: host });
    await expect(row).toContainText('Northwind Networks');
    await expect(row).toContainText(`API credential e2e ${suffix}`);
    await expect(row).toContainText('announced');
    await expect(row).toContainText(`change ${changeRef}`);
  }
  await shot(desk, 'desk-suppliers');
  // …and the unannounced server patch as drift, flagged as an unauthorised change.
  await desk.goto('/desk/drift');
  const drift = desk.getByTestId('supplier-event').filter({ hasText: `Kernel hotfix ${suffix}` });
  await expect(drift).toContainText('srv-live-01');
  await expect(drift).toContainText('not announced');
  await expect(drift).toContainText('unauthorised change');
  await shot(desk, 'drift');

  // The supplier's own page shows its scope and work, and nothing of Contoso's.
  const sam = await newPage(browser, demo.supplier);
  // Signing in lands a supplier's person on their own page, not on a catalogue they may not see.
  await expect(sam).toHaveURL(/\/supplier$/);
  await sam.goto('/supplier');
  await expect(sam.getByTestId('supplier-event').filter({ hasText: '17.12.1' })).toHaveCount(2);
  await expect(sam.getByText(`Kernel hotfix ${suffix}`)).toHaveCount(0);
  await shot(sam, 'supplier-page');
  // The change's own page says what happened to it, and by whom.
  await chris.reload();
  await expect(chris.getByTestId('change-history')).toHaveText([
    /^Requested\s*Dana Deploy/,
    /^Approval given\s*Chris Change/,
    /^Approved \(enough approvals\)\s*Chris Change/,
  ]);
  await expect(chris.getByTestId('change-announcement')).toHaveText([
    /Northwind Networks\s*Switch firmware\s*17\.12\.1\s*core-sw-01, edge-fw-01/,
  ]);
  await expect(chris.getByTestId('change-deployment')).toHaveCount(0);
  await expect(chris.getByText(`No deployment names ${changeRef}.`)).toBeVisible();
  await shot(chris, 'change');
});
