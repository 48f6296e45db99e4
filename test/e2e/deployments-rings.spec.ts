import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { baseURL } from '../../playwright.config';
import { addDevice, demo, expectNoStackTrace, newPage, shot } from './support';

/**
 * Issue 12 end to end, in Chromium: the deployment manager plans two rings in the form (ring 1 a
 * pilot target with a gate of 100 % succeeded, ring 2 the rest with no wait) into `test`, two
 * enrolled devices talk to the device API over HTTP; the pilot installs, the gate is judged
 * (the manager's "Check the gates now", the scheduler tick's rules) and ring 2 starts: the
 * other device is offered the release, and the timeline shows it.
 */
const suffix = Date.now().toString(36);
const hosts = { pilot: `ring-pilot-${suffix}`, rest: `ring-rest-${suffix}` };
const release = 'VLC media player 3.0.21'; // seeded, published, with a Linux build
const utcLocal = (d: Date) => d.toISOString().slice(0, 16);

type Assignment = { deploymentId: string; artifact: { id: string } | null };
const device = (token: string, path: string, body: unknown) =>
  fetch(`${baseURL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
async function assignmentsOf(token: string, deploymentId: string): Promise<Assignment[]> {
  const res = await device(token, '/api/v1/device/check-in', { agentVersion: '1.0.0' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { assignments: Assignment[] }).assignments.filter((a) => a.deploymentId === deploymentId);
}

test('a two-ring plan: the pilot installs, its gate is met and ring 2 starts', async ({ browser }) => {
  test.setTimeout(180_000);

  // Alice enrols two Linux devices over the device API (the agent's own enrol call).
  const alice = await newPage(browser, demo.requester);
  const enrolled: Record<keyof typeof hosts, { deviceId: string; token: string }> = {
    pilot: { deviceId: '', token: '' },
    rest: { deviceId: '', token: '' },
  };
  for (const who of ['pilot', 'rest'] as const) {
    await addDevice(alice, hosts[who], 'Linux x64');
    const code = (await alice.getByTestId('enrolment-code').textContent())!.trim();
    const res = await fetch(`${baseURL}/api/v1/devices/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, agentVersion: '1.0.0', hostname: hosts[who] }),
    });
    expect(res.status).toBe(201);
    enrolled[who] = (await res.json()) as { deviceId: string; token: string };
  }

  // The desk places both in the test environment (no approval, no change gate there).
  const desk = await newPage(browser, demo.desk);
  for (const who of ['pilot', 'rest'] as const) {
    await desk.goto(`/desk/devices/${enrolled[who].deviceId}`);
    await desk.getByLabel('Kind').selectOption('workstation');
    await desk.getByLabel('Site').fill(`Ring Lab ${suffix}`);
    await desk.getByLabel('Country').fill('DE');
    await desk.getByLabel('Environment').selectOption('test');
    await desk.getByRole('button', { name: 'Save placement' }).click();
    await expect(desk.getByText('Placement saved.')).toBeVisible();
  }

  // Dana: a target of both devices and a pilot target of one.
  const dana = await newPage(browser, demo.deployments);
  const targets = { both: `Ring pair ${suffix}`, pilot: `Ring pilot ${suffix}` };
  for (const [name, ids] of [
    [targets.both, [enrolled.pilot.deviceId, enrolled.rest.deviceId]],
    [targets.pilot, [enrolled.pilot.deviceId]],
  ] as const) {
    await dana.goto('/deployments/targets/new');
    await dana.getByLabel('Name').fill(name);
    await dana.getByLabel('Extra devices (ids)').fill(ids.join('\n'));
    await expect(dana.getByTestId('preview-count')).toContainText(String(ids.length));
    await dana.getByRole('button', { name: 'Save target' }).click();
    await expect(dana.getByRole('link', { name })).toBeVisible();
  }

  // The plan: ring 1 = the pilot target, gate 100 % succeeded; ring 2 = everyone else, no wait.
  const name = `VLC in two rings ${suffix}`;
  await dana.goto('/deployments/new');
  await dana.getByLabel('Name').fill(name);
  await dana.getByLabel('Release').selectOption({ label: release });
  await dana.getByLabel('Target', { exact: true }).selectOption({ label: targets.both });
  await dana.getByLabel('Environment', { exact: true }).selectOption('test');
  await dana.getByLabel('Intent').selectOption('required');
  await dana.getByLabel('Available from (UTC)').fill(utcLocal(new Date()));
  await dana.getByRole('button', { name: 'Add phase' }).click();
  await dana.getByRole('button', { name: 'Add phase' }).click();
  const ring1 = dana.getByRole('group', { name: 'Phase 1' });
  await ring1.getByLabel('Phase 1 name').fill('Pilot');
  await ring1.getByLabel('Target (or a percentage)').selectOption({ label: targets.pilot });
  await ring1.getByLabel('Gate: % succeeded').fill('100');
  const ring2 = dana.getByRole('group', { name: 'Phase 2' });
  await ring2.getByLabel('Phase 2 name').fill('Everyone else');
  await ring2.getByLabel('Percentage (cumulative)').fill('100');
  await ring2.getByLabel('Wait after that gate (hours)').fill('0');
  await dana.getByRole('button', { name: 'Save draft' }).click();
  await expect(dana.getByRole('heading', { name, level: 1 })).toBeVisible({ timeout: 30_000 });
  const id = /\/deployments\/([0-9a-f-]{36})$/.exec(new URL(dana.url()).pathname)![1]!;
  await dana.getByRole('button', { name: 'Schedule', exact: true }).click();
  await expect(dana.getByText('Scheduled.')).toBeVisible({ timeout: 30_000 });
  await dana.reload();
  await expect(dana.getByTestId('phase-1')).toContainText('Running');
  await expect(dana.getByTestId('phase-2')).toContainText('Waits for its gate');

  // Ring 1 only: the pilot is offered the release, the other device is not (yet).
  const [offered] = await assignmentsOf(enrolled.pilot.token, id);
  expect(offered?.artifact).toBeTruthy();
  expect(await assignmentsOf(enrolled.rest.token, id)).toEqual([]);

  // The pilot installs and reports it.
  const report = await device(enrolled.pilot.token, '/api/v1/device/reports', {
    events: [
      {
        idempotencyKey: `ring-e2e-${suffix}`,
        type: 'install_succeeded',
        artifactId: offered!.artifact!.id,
        deploymentId: id,
        occurredAt: new Date().toISOString(),
      },
    ],
  });
  expect(report.status).toBe(200);

  // The gate is judged by the tick's rules: 1 of 1 succeeded meets 100 %, the wait is 0, ring 2 starts.
  await dana.reload();
  await dana.getByRole('button', { name: 'Check the gates now' }).click();
  await expect(dana.getByText('Gate met; phase 2 started.')).toBeVisible({ timeout: 30_000 });
  await dana.reload();
  await expect(dana.getByTestId('phase-1')).toContainText('Gate met');
  await expect(dana.getByTestId('phase-1')).toContainText('1 assigned: 1 succeeded, 0 failed, 0 pending');
  await expect(dana.getByTestId('phase-1')).toContainText(/met \d/);
  await expect(dana.getByTestId('phase-2')).toContainText('Running');
  await expect(dana.getByTestId('phase-2')).toContainText('1 assigned: 0 succeeded, 0 failed, 1 pending');
  await expect(dana.getByTestId('phase-2')).not.toContainText('not yet');
  expect(await assignmentsOf(enrolled.rest.token, id)).toHaveLength(1);
  await expectNoStackTrace(dana);

  // The page with its phases passes axe at both widths, and is looked at.
  for (const width of [1280, 390]) {
    await dana.setViewportSize({ width, height: 900 });
    const results = await new AxeBuilder({ page: dana }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  }
  await shot(dana, 'rings');
});

test("the librarian sets the product's first ring on its library page, and sees it saved", async ({ browser }) => {
  test.setTimeout(120_000);
  const lib = await newPage(browser, demo.librarian);
  await lib.goto('/library/products/vlc-media-player');
  const ring = lib.getByRole('region', { name: 'First ring (continuous delivery)' });
  await expect(ring).toContainText('None yet');
  await ring.getByLabel('First ring name').fill(`Pilot ring ${suffix}`);
  await ring.getByLabel('Ring target').selectOption({ label: 'Linux servers' });
  await ring.getByLabel('Ring environment').selectOption('test');
  await ring.getByLabel('Ring intent').selectOption('required');
  await ring.getByRole('group', { name: 'Phase 1' }).getByLabel('Percentage (cumulative)').fill('25');
  await ring.getByRole('button', { name: 'Save first ring' }).click();
  await expect(ring.getByText('First ring saved.')).toBeVisible({ timeout: 30_000 });
  await lib.reload();
  await expect(lib.getByTestId('ring-template')).toContainText(`Pilot ring ${suffix}`);
  await expect(lib.getByTestId('ring-template')).toContainText('Linux servers');
  await expect(lib.getByTestId('ring-template')).toContainText('25 %, gate 90 % succeeded');
  await lib.getByText('Change the first ring').click();
  for (const width of [1280, 390]) {
    await lib.setViewportSize({ width, height: 900 });
    const results = await new AxeBuilder({ page: lib }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  }
  await shot(lib, 'ring-template');
});
