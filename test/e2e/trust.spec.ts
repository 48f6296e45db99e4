import { randomBytes, randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import * as openpgp from 'openpgp';
import { baseURL } from '../../playwright.config';
import { addDevice, demo, signIn } from './support';

const shots = 'test-results/screenshots';

async function api(
  method: string,
  url: string,
  opts: { token?: string; json?: unknown; body?: Buffer; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body) body = new Uint8Array(opts.body);
  const res = await fetch(`${baseURL}${url}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** Alice's new linux device, enrolled through the device API, running GIMP's current release. */
async function deviceRunningCurrentGimp(page: Page, hostname: string) {
  await addDevice(page, hostname, 'Linux x64');
  // Shown once, right after adding: the only code on the page.
  const code = (await page.getByTestId('enrolment-code').textContent())!.trim();
  const enrolled = await api('POST', '/api/v1/devices/enrol', {
    json: { code: code.replaceAll('-', '').toLowerCase(), agentVersion: '1.0.0-e2e', hostname },
  });
  expect(enrolled.status).toBe(201);
  const token = enrolled.body.token as string;
  await page.goto('/catalogue/gimp');
  const panel = page.getByTestId('request-panel');
  await panel.getByLabel('Device').selectOption({ label: `${hostname} · Linux x64` });
  await panel.getByLabel('Why do you need it?').fill('Image editing');
  await panel.getByRole('button', { name: 'Submit request' }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const checkIn = await api('POST', '/api/v1/device/check-in', { token, json: { agentVersion: '1.0.0-e2e', installed: [] } });
  const pull = (checkIn.body.pulls as { product: { slug: string }; release: { version: string }; artifact: { id: string } }[]).find(
    (p) => p.product.slug === 'gimp',
  )!;
  const reported = await api('POST', '/api/v1/device/reports', {
    token,
    json: {
      events: [
        { idempotencyKey: randomUUID(), type: 'install_succeeded', artifactId: pull.artifact.id, occurredAt: new Date().toISOString() },
      ],
    },
  });
  expect(reported.status).toBeLessThan(300);
  return pull.release.version;
}

test('a pipeline publishes a signed build with an SBOM; an advisory flags the devices on the previous version; the desk proposes the fix', async ({
  browser,
}) => {
  // Four sign-ins, two enrolled devices and a pipeline: on the loaded 2-core machine it needed more than 90 s.
  test.setTimeout(180_000);
  const stamp = Date.now();
  const version = `3.1.${stamp % 1_000_000}`;
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'GIMP CI e2e', email: 'ci@gimp.test' }],
    format: 'armored',
  });

  // The librarian trusts the publisher's key, requires signatures and an SBOM, and makes a pipeline token.
  const librarian = await browser.newPage();
  await signIn(librarian, demo.librarian);
  await librarian.goto('/library/products/gimp');
  await librarian.getByText('Add a key').click();
  const addKey = librarian.getByTestId('add-key');
  await addKey.getByLabel('Label').fill(`GIMP CI ${stamp}`);
  await addKey.getByLabel('Public key').fill(publicKey);
  await addKey.getByRole('button', { name: 'Add key' }).click();
  await expect(addKey.getByRole('status')).toHaveText('Key added.');
  const policy = librarian.getByTestId('trust-policy');
  await policy.getByLabel('Signatures required').check();
  await policy.getByLabel('SBOM required').check();
  await policy.getByRole('button', { name: 'Save trust policy' }).click();
  await expect(policy.getByRole('status')).toHaveText('Trust policy saved.');
  await librarian.goto('/library/tokens');
  await librarian.getByLabel('Name', { exact: true }).fill(`e2e gimp ${stamp}`);
  await librarian.getByRole('checkbox', { name: 'GIMP', exact: true }).check();
  await librarian.getByRole('button', { name: 'Create token' }).click();
  const secret = (await librarian.getByTestId('token-secret').textContent())!.trim();

  // Two of Alice's devices run the current (soon previous) release, through the device API.
  const alice = await browser.newPage();
  await signIn(alice, demo.requester);
  const hosts = [`e2e-trust-a-${stamp}`, `e2e-trust-b-${stamp}`];
  const previous = await deviceRunningCurrentGimp(alice, hosts[0]!);
  await deviceRunningCurrentGimp(alice, hosts[1]!);

  // The pipeline: unsigned is refused, signed is stored, publishing waits for the SBOM.
  const base = `/api/v1/products/gimp/releases`;
  expect((await api('POST', base, { token: secret, json: { version } })).status).toBe(201);
  const bytes = randomBytes(64 * 1024);
  const sha256 = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
  const put = (headers: Record<string, string>) =>
    api('PUT', `${base}/${version}/artifacts/linux-x64`, {
      token: secret,
      body: bytes,
      headers: { 'X-Checksum-SHA256': sha256, 'X-File-Name': `gimp-${version}.tar.xz`, ...headers },
    });
  const unsigned = await put({});
  expect(unsigned).toMatchObject({ status: 422, body: { field: 'signature' } });
  expect(unsigned.body.error).toMatch(/missing/);
  const signature = await openpgp.sign({
    message: await openpgp.createMessage({ binary: bytes }),
    signingKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
    detached: true,
    format: 'armored',
  });
  expect((await put({ 'X-Signature': Buffer.from(signature as string).toString('base64') })).status).toBe(201);
  const early = await api('POST', `${base}/${version}/publish`, { token: secret, json: {} });
  expect(early).toMatchObject({ status: 422, body: { field: 'policy' } });
  const sbom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    components: [
      {
        type: 'library',
        name: 'babl',
        version: '0.1.110',
        purl: 'pkg:generic/babl@0.1.110',
        licenses: [{ license: { id: 'LGPL-3.0-or-later' } }],
      },
    ],
  };
  expect((await api('PUT', `${base}/${version}/sbom`, { token: secret, json: sbom })).status).toBe(200);
  expect((await api('POST', `${base}/${version}/publish`, { token: secret, json: {} })).status).toBe(200);
  await librarian.goto('/catalogue/gimp');
  const released = librarian.getByTestId('release').filter({ hasText: `Version ${version}` });
  await expect(released.getByTestId('signer')).toContainText('GIMP CI e2e <ci@gimp.test>');
  await expect(released).toContainText('licences LGPL-3.0-or-later');

  // An admin imports an OSV advisory for the previous version; the desk sees exactly those devices.
  const admin = await browser.newPage();
  await signIn(admin, demo.admin);
  const advisory = `OSV-E2E-${stamp}`;
  const osv = {
    id: advisory,
    summary: 'Heap overflow in the XCF loader',
    database_specific: { severity: 'HIGH' },
    affected: [
      {
        package: { ecosystem: 'Portal', name: 'gimp' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: previous }, { fixed: '3.1.0' }] }],
      },
    ],
  };
  await admin.goto('/admin/advisories');
  await admin
    .getByLabel('OSV JSON files')
    .setInputFiles({ name: `${advisory}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(osv)) });
  await admin.getByRole('button', { name: 'Import' }).click();
  await expect(admin.getByTestId('import-advisories').getByRole('status')).toHaveText('Imported 1 advisories.');
  await admin.goto('/desk/advisories');
  const row = admin.getByTestId(`exposure-${advisory}`);
  await expect(row).toContainText(`GIMP ${previous}`);
  await expect(row).toContainText('high');
  await expect(row).toContainText('2 devices');
  await expect(row).toContainText(`deploy ${version}`);
  await admin.screenshot({ path: `${shots}/trust-desk-advisories.png`, fullPage: true });
  await row.getByRole('button', { name: `Propose required deployment of ${version}` }).click();
  await expect(row.getByRole('status')).toContainText('Draft required deployment created for 2 devices');
  await admin.goto('/deployments');
  await expect(admin.getByText(`Fix ${advisory}: GIMP ${version}`)).toBeVisible();
});
