import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { baseURL } from '../../playwright.config';
import { addDevice, demo, signIn } from './support';

interface Answer {
  status: number;
  headers: string;
  body: { error?: string; field?: string; [key: string]: unknown };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'portal-devices-'));
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The real curl binary, as the agent's operator (or a script) would call the API. */
function curl(method: string, url: string, opts: { token?: string; json?: unknown } = {}): Answer {
  const headerFile = path.join(work, `headers-${randomUUID()}`);
  const args = ['-sS', '-X', method, '-D', headerFile, '-w', '\n%{http_code}', `${baseURL}${url}`];
  if (opts.token) args.push('-H', `Authorization: Bearer ${opts.token}`);
  if (opts.json !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(opts.json));
  const r = spawnSync('curl', args, { encoding: 'utf8' });
  const cut = r.stdout.lastIndexOf('\n');
  const status = Number(r.stdout.slice(cut + 1));
  if (!status) throw new Error(`curl failed: ${r.stderr}`);
  const text = r.stdout.slice(0, cut);
  return { status, headers: readFileSync(headerFile, 'utf8').toLowerCase(), body: text.startsWith('{') ? JSON.parse(text) : {} };
}

const event = (artifactId: string, type: string) => ({
  idempotencyKey: randomUUID(),
  type,
  artifactId,
  occurredAt: new Date().toISOString(),
});

test.describe('my devices and the device API', () => {
  test('alice adds a device and gets a one-time code; curl enrols it; the API answers as documented; retiring stops the token', async ({
    page,
  }) => {
    const name = `e2e-${Date.now()}`;
    await signIn(page, demo.requester);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My devices' }).click();
    await expect(page.getByRole('heading', { name: 'My devices', level: 1 })).toBeVisible();
    await expect(page.getByTestId('device-row').filter({ hasText: 'ALICE-LT-4411' })).toContainText('active');

    // Bad input is named beside its field; nothing is added.
    await page.getByLabel('Device name').fill('not a hostname!');
    await page.getByRole('button', { name: 'Add device' }).click();
    await expect(page.getByTestId('error-hostname')).toContainText('letters, digits, dots, hyphens and underscores');
    await expect(page.getByTestId('error-platform')).toBeVisible();

    await page.getByLabel('Device name').fill(name);
    await page.getByLabel('Platform').selectOption({ label: 'Linux x64' });
    await page.getByRole('button', { name: 'Add device' }).click();
    const first = (await page.getByTestId('enrolment-code').textContent())!.trim();
    expect(first).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}(-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}){2}$/);
    // The served agent: download, check its SHA-256, enrol with the code just shown.
    await expect(page.getByTestId('enrol-command')).toContainText(`${baseURL}/api/v1/agent/download`);
    await expect(page.getByTestId('enrol-command')).toContainText(`node portal-agent.mjs enroll --server ${baseURL} --code ${first}`);
    const row = page.getByTestId('device-row').filter({ hasText: name });
    await expect(row).toContainText('waiting to enrol');
    await expect(row).toContainText('Linux x64');
    await page.screenshot({ path: 'test-results/screenshots/my-devices.png', fullPage: true });

    // A new code replaces the first; the page never shows a code again after a reload.
    await row.getByRole('button', { name: 'New code' }).click();
    const codePanel = page.locator('tbody').filter({ hasText: name }).getByTestId('enrolment-code');
    await expect(codePanel).not.toHaveText(first);
    const code = (await codePanel.textContent())!.trim();
    await page.reload();
    await expect(page.getByTestId('enrolment-code')).toHaveCount(0);
    await expect(page.locator('body')).not.toContainText(code);

    expect(curl('POST', '/api/v1/devices/enrol', { json: { code: first } }).status).toBe(401);
    const enrolled = curl('POST', '/api/v1/devices/enrol', {
      json: { code: code.replaceAll('-', '').toLowerCase(), agentVersion: '0.1.0-e2e', hostname: 'box.local' },
    });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toMatchObject({ hostname: name, platform: 'linux-x64' });
    const token = enrolled.body.token as string;
    expect(token).toMatch(/^pdt_[A-Za-z0-9_-]{43}$/);
    const reused = curl('POST', '/api/v1/devices/enrol', { json: { code } });
    expect(reused.status).toBe(401);
    expect(reused.body.error).toContain('wrong, expired or already used');
    expect(curl('POST', '/api/v1/devices/enrol', { json: {} })).toMatchObject({ status: 422, body: { field: 'code' } });

    const checkIn = curl('POST', '/api/v1/device/check-in', { token, json: { agentVersion: '0.2.0-e2e', installed: [] } });
    expect(checkIn.status).toBe(200);
    expect(checkIn.body).toMatchObject({ deviceId: enrolled.body.deviceId, hostname: name, pulls: [] });
    expect(Date.parse(checkIn.body.serverTime as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(curl('POST', '/api/v1/device/check-in', { token, json: {} })).toMatchObject({ status: 422, body: { field: 'agentVersion' } });
    expect(curl('GET', '/api/v1/device/pulls', { token })).toMatchObject({ status: 200, body: { items: [] } });

    // Reports: malformed → 422 naming the field; not entitled → 403; nothing to record either way.
    const notEntitled = curl('POST', '/api/v1/device/reports', { token, json: { events: [event(randomUUID(), 'install_succeeded')] } });
    expect(notEntitled).toMatchObject({ status: 403, body: { field: 'events.0.artifactId' } });
    const malformed = curl('POST', '/api/v1/device/reports', { token, json: { events: [event(randomUUID(), 'installed')] } });
    expect(malformed).toMatchObject({ status: 422, body: { field: 'events.0.type' } });

    // Downloads with the device's token: an artifact it holds no entitlement to is not found.
    expect(curl('GET', `/api/artifacts/${randomUUID()}/download`, { token }).status).toBe(404);

    // Every failure to authenticate is the same 401, naming the scheme.
    for (const bad of [undefined, 'pdt_nonsense', `pdt_${'A'.repeat(43)}`]) {
      for (const [method, url] of [
        ['GET', '/api/v1/device/pulls'],
        ['POST', '/api/v1/device/check-in'],
        ['POST', '/api/v1/device/reports'],
        ['GET', `/api/artifacts/${randomUUID()}/download`],
      ] as const) {
        const a = curl(method, url, { token: bad, json: method === 'POST' ? { agentVersion: '1' } : undefined });
        expect(a.status, `${method} ${url} with ${bad}`).toBe(401);
        if (bad) expect(a.headers).toContain('www-authenticate: bearer');
      }
    }

    // The page shows what the agent told the portal.
    await page.reload();
    await expect(row).toContainText('active');
    await expect(row).toContainText('0.2.0-e2e');
    await expect(row).not.toContainText('never');

    // Rename, then retire (with a confirmation): the token stops at once.
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel(`New name for ${name}`).fill(`${name}-old`);
    await page.getByRole('button', { name: 'Save name' }).click();
    const renamed = page.getByTestId('device-row').filter({ hasText: `${name}-old` });
    await expect(renamed).toBeVisible();
    await renamed.getByRole('button', { name: 'Retire' }).click();
    await expect(page.getByText(`Retire ${name}-old?`)).toBeVisible();
    await page.getByRole('button', { name: 'Yes, retire' }).click();
    await expect(renamed).toContainText('retired');
    await expect(renamed.getByRole('button')).toHaveCount(0);
    const after = curl('GET', '/api/v1/device/pulls', { token });
    expect(after.status).toBe(401);
    expect(after.headers).toContain('www-authenticate: bearer');
  });

  test('the OpenAPI description is served at /openapi.json', async ({ page }) => {
    await signIn(page, demo.requester);
    const r = await page.request.get('/openapi.json');
    expect(r.status()).toBe(200);
    const spec = (await r.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\.1/);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/devices/enrol', '/api/v1/device/reports']));
  });
});

test('on a phone, My devices and the approvals inbox keep their key columns on screen', async ({ page, browser }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, demo.requester);
  await page.goto('/devices');
  const devices = page.getByRole('region', { name: 'My devices' });
  const fits = (el: HTMLElement) => el.scrollWidth <= el.clientWidth + 1;
  expect(await devices.evaluate(fits)).toBe(true);
  await expect(page.getByTestId('device-row').first()).toContainText(/seen /);

  // Something for Maria to decide: Alice asks for IntelliJ (a manager-approved product) on a Mac of
  // this test's own (as support.ts asks: the shared demo devices are other specs' to use).
  const host = `phone-mac-${randomUUID().slice(0, 6)}`;
  await addDevice(page, host, 'macOS Apple silicon');
  await page.goto('/catalogue/intellij-idea');
  const panel = page.getByTestId('request-panel');
  await panel.getByLabel('Device').selectOption({ label: `${host} · macOS Apple silicon (enrolling)` });
  await panel.getByLabel('Why do you need it?').fill('Kotlin work on the Mac while travelling.');
  await panel.getByRole('button', { name: 'Submit request' }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);

  const maria = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signIn(maria, demo.approver);
  await maria.goto('/approvals');
  const inbox = maria.getByRole('region', { name: 'Requests waiting for you' });
  expect(await inbox.evaluate(fits)).toBe(true);
  const row = maria.getByTestId('inbox-row').filter({ hasText: host });
  await expect(row.getByTestId('inbox-row-summary')).toHaveText(new RegExp(`^Alice Anders · ${host} · due in `));
  await expect(row.getByRole('link', { name: 'IntelliJ IDEA Ultimate' })).toBeInViewport();
});
