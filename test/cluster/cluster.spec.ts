import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster';
import { DEMO_PASSWORD, demo, signIn } from '../e2e/support';
import { withDatabase } from '../support/pg-url';
import { connectionRefused, slowDownload } from './http';

// Two production instances on one PostgreSQL database and one S3 bucket, behind nginx: whatever a
// user does on one instance holds on the other, and losing an instance loses nothing.
test.describe.configure({ mode: 'serial' });
test.skip(!process.env.DATABASE_URL, 'The cluster needs PostgreSQL (set DATABASE_URL): instances cannot share PGlite.');

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const SIZE = 16 * 1024 * 1024;
const big = randomBytes(SIZE);
let cluster: Cluster;
let owner: pg.Client;
let ownerUrl = '';
let dropDatabase = async () => {};
let librarianCookie = '';
let downloadPath = '';

async function signedInPage(browser: Browser, baseURL: string, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await signIn(page, email, DEMO_PASSWORD, 30_000);
  return page;
}
const cookieOf = async (page: Page) => (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  // A database of its own: the main e2e suite has just used DATABASE_URL's.
  const appUrl = process.env.DATABASE_URL!;
  const serverUrl = process.env.DATABASE_MIGRATION_URL || appUrl;
  const name = `portal_cluster_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  dropDatabase = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  cluster = await startCluster({
    databaseUrl: withDatabase(appUrl, name),
    migrationUrl: withDatabase(serverUrl, name),
    build: process.env.E2E_PREBUILT === '1' ? 'never' : 'if-missing',
    debugHeaders: true,
    env: { SHUTDOWN_GRACE_SECONDS: '60', LOG_LEVEL: 'info' },
  });
  ownerUrl = withDatabase(serverUrl, name);
  owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();

  // A 16 MiB draft build, uploaded through nginx by the librarian, for the long downloads below.
  const librarian = await signedInPage(browser, cluster.url, demo.librarian);
  librarianCookie = await cookieOf(librarian);
  const {
    rows: [release],
  } = await owner.query<{ id: string }>(
    `INSERT INTO releases (product_id, version, notes, created_by_id)
     SELECT p.id, '999.0-cluster', 'Cluster test build', u.id FROM products p, users u
     WHERE p.slug = 'firefox' AND u.email = 'librarian@example.com' RETURNING id`,
  );
  const upload = await fetch(`${cluster.url}/api/library/releases/${release!.id}/artifacts`, {
    method: 'POST',
    headers: {
      cookie: librarianCookie,
      'content-type': 'application/octet-stream',
      'x-platform': 'linux-x64',
      'x-file-name': 'big.tar.gz',
    },
    body: big,
  });
  expect(upload.status, await upload.clone().text()).toBe(201);
  downloadPath = `/api/artifacts/${((await upload.json()) as { id: string }).id}/download`;
  await librarian.context().close();
});

test.afterAll(async () => {
  await owner?.end();
  await cluster?.stop();
  await dropDatabase();
});

test('a session signed in on one instance works on the other, directly and through nginx', async ({ browser }) => {
  const [a, b] = cluster.instances;
  const page = await signedInPage(browser, a!.url, demo.requester);
  // Cookies belong to the host, not the port: the same browser now asks instance b, then nginx.
  for (const base of [b!.url, cluster.url]) {
    await page.goto(`${base}/requests`);
    await expect(page.getByTestId('signed-in-user')).toBeVisible();
  }
  // Signing out on b ends the session on a at its next request.
  await page.goto(`${b!.url}/requests`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`${a!.url}/requests`);
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a download cut on one instance resumes with Range on the other, bytes verified', async () => {
  const [a, b] = cluster.instances;
  const first = await fetch(a!.url + downloadPath, { headers: { cookie: librarianCookie } });
  expect(first.status).toBe(200);
  const etag = first.headers.get('etag')!;
  // Read about a third, then hang up.
  const reader = first.body!.getReader();
  const parts: Buffer[] = [];
  let got = 0;
  while (got < SIZE / 3) {
    const { value } = await reader.read();
    parts.push(Buffer.from(value!));
    got += value!.length;
  }
  await reader.cancel();
  const rest = await fetch(b!.url + downloadPath, { headers: { cookie: librarianCookie, range: `bytes=${got}-`, 'if-range': etag } });
  expect(rest.status).toBe(206);
  expect(rest.headers.get('content-range')).toBe(`bytes ${got}-${SIZE - 1}/${SIZE}`);
  parts.push(Buffer.from(await rest.arrayBuffer()));
  expect(sha(Buffer.concat(parts))).toBe(sha(big));
});

test('request ids come from nginx, reach error bodies; metrics and health answer per instance', async () => {
  const viaNginx = await fetch(`${cluster.url}/api/artifacts/not-an-id/download`, { headers: { cookie: librarianCookie } });
  expect(viaNginx.status).toBe(404);
  const id = viaNginx.headers.get('x-request-id');
  expect(id).toMatch(/^[0-9a-f]{32}$/); // nginx's $request_id, not one the app made up
  expect(((await viaNginx.json()) as { requestId: string }).requestId).toBe(id);

  // The same from an App Router handler (the device API), whose errors go through app/api/respond.ts.
  const checkIn = await fetch(`${cluster.url}/api/v1/device/check-in`, { method: 'POST', headers: { authorization: 'Bearer forged' } });
  expect(checkIn.status).toBe(401);
  expect(((await checkIn.json()) as { requestId: string }).requestId).toBe(checkIn.headers.get('x-request-id'));

  const a = cluster.instances[0]!;
  expect((await fetch(`${a.url}/api/metrics`)).status).toBe(401);
  const metrics = await fetch(`${a.url}/api/metrics`, { headers: { authorization: `Bearer ${cluster.metricsToken}` } });
  expect(metrics.status).toBe(200);
  const text = await metrics.text();
  expect(text).toMatch(/portal_http_requests_total\{route="download",method="GET",status="200"\} [1-9]/);
  expect(Number(/^portal_download_bytes_total (\d+)/m.exec(text)?.[1])).toBeGreaterThan(SIZE / 3 - 1);
  const ready = await fetch(`${cluster.url}/api/health/ready`);
  expect(ready.headers.get('cache-control')).toContain('no-store');
  expect(await ready.json()).toMatchObject({
    status: 'ok',
    checks: { database: { ok: true }, migrations: { ok: true }, storage: { ok: true } },
  });
});

test('sign-in failures split across both instances add up to one lockout', async ({ browser }) => {
  const [a, b] = cluster.instances;
  const attempt = async (page: Page, password: string) => {
    await page.getByLabel('Email').fill('sec2@example.com');
    await page.getByLabel('Password').fill(password);
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
  };
  // Five failures allowed per account (the default): three on a, two on b.
  for (const [base, tries] of [
    [a!.url, 3],
    [b!.url, 2],
  ] as const) {
    const page = await (await browser.newContext({ baseURL: base })).newPage();
    await page.goto('/sign-in');
    for (let i = 0; i < tries; i++) {
      await attempt(page, `wrong-${base}-${i}`);
      await expect(page.getByTestId('form-error')).toHaveText('That email and password do not match an active account.');
    }
  }
  // Now even the right password is refused, on either instance.
  for (const base of [a!.url, cluster.url]) {
    const page = await (await browser.newContext({ baseURL: base })).newPage();
    await page.goto('/sign-in');
    await attempt(page, DEMO_PASSWORD);
    await expect(page.getByTestId('form-error')).toHaveText(/Too many failed sign-ins\. Try again in \d+ minutes?\./);
  }
});

test('licence seats hold when approvals on both instances race', async ({ browser }) => {
  // IntelliJ (one manager stage, Maria) gets exactly one free seat; three people ask for it.
  const { rows } = await owner.query<{ held: number }>(
    `SELECT count(*)::int AS held FROM entitlements e JOIN products p ON p.id = e.product_id
     WHERE p.slug = 'intellij-idea' AND e.status = 'active' AND e.holds_seat`,
  );
  const limit = rows[0]!.held + 1;
  await owner.query(`UPDATE products SET seat_limit = $1 WHERE slug = 'intellij-idea'`, [limit]);
  const askers = [
    ['alice@example.com', 'ALICE-LT-4411'],
    ['bob@example.com', 'bob-studio'],
    ['fiona@example.com', 'FIN-LT-0192'],
  ] as const;
  const requestIds: string[] = [];
  for (const [i, [email, hostname]] of askers.entries()) {
    const page = await signedInPage(browser, cluster.instances[i % 2]!.url, email);
    await page.goto('/catalogue/intellij-idea');
    const another = page.getByText('Request it for another device');
    if (await another.isVisible()) await another.click();
    const device = page.getByLabel('Device');
    await device.selectOption((await device.locator('option', { hasText: hostname }).getAttribute('value'))!);
    await page.getByLabel('Why do you need it?').fill('Cluster seat race: one seat, three people, two instances.');
    await page.getByRole('button', { name: 'Submit request' }).click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    requestIds.push(new URL(page.url()).pathname.split('/').pop()!);
    await page.context().close();
  }
  // Maria opens each request on a different instance (a, b, and nginx), then approves all at once.
  const bases = [cluster.instances[0]!.url, cluster.instances[1]!.url, cluster.url];
  const pages = await Promise.all(requestIds.map((id, i) => signedInPage(browser, bases[i]!, demo.approver)));
  await Promise.all(pages.map((p, i) => p.goto(`/approvals/${requestIds[i]}`)));
  await Promise.all(pages.map((p) => p.getByRole('button', { name: 'Approve' }).click()));
  for (const p of pages) await expect(p).toHaveURL(/done=approved/);

  const seats = await owner.query<{ held: number }>(
    `SELECT count(*)::int AS held FROM entitlements e JOIN products p ON p.id = e.product_id
     WHERE p.slug = 'intellij-idea' AND e.status = 'active' AND e.holds_seat`,
  );
  expect(seats.rows[0]!.held).toBe(limit);
  const granted = await owner.query(`SELECT 1 FROM entitlements WHERE request_id = ANY($1) AND status = 'active' AND holds_seat`, [
    requestIds,
  ]);
  expect(granted.rowCount).toBe(1);
});

test('each queued job runs once across the two instances, whichever picks it up', async () => {
  // Jobs queued for a few seconds ahead, as a deployment's start is: both instances' workers poll
  // the one queue, and every job must run on exactly one of them, exactly once.
  const boss = new PgBoss({ connectionString: ownerUrl, schema: 'pgboss', migrate: false, supervise: false, schedule: false });
  await boss.start();
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const id = await boss.send('deployments.activate', { deploymentId: randomUUID() }, { startAfter: 3 });
    ids.push(id!);
  }
  await boss.stop({ graceful: false, wait: true });
  const states = async () =>
    (
      await owner.query<{ state: string; n: number }>(
        `SELECT state, count(*)::int AS n FROM pgboss.job WHERE id = ANY($1::uuid[]) GROUP BY state`,
        [ids],
      )
    ).rows;
  await expect.poll(states, { timeout: 60_000, intervals: [500] }).toEqual([{ state: 'completed', n: 20 }]);
  // Each instance logs a line per job it ran: together, every job exactly once.
  const ran = new Map<string, string[]>();
  for (const instance of cluster.instances) {
    const log = await readFile(path.join(cluster.dir, `instance-${instance.name}.log`), 'utf8');
    for (const line of log.split('\n')) {
      if (!line.includes('"job done"')) continue;
      const { jobId } = JSON.parse(line) as { jobId: string };
      if (ids.includes(jobId)) ran.set(jobId, [...(ran.get(jobId) ?? []), instance.name]);
    }
  }
  expect([...ran.keys()].sort()).toEqual([...ids].sort());
  expect([...ran.values()].every((where) => where.length === 1)).toBe(true);
});

test('killing the instance serving a download loses nothing: the client resumes through nginx', async () => {
  const download = slowDownload(cluster.url + downloadPath, { cookie: librarianCookie });
  const { status, headers } = await download.headers;
  expect(status).toBe(200);
  const serving = cluster.instances.find((i) => headers['x-upstream'] === `127.0.0.1:${i.port}`)!;
  expect(serving).toBeDefined();
  await expect.poll(() => download.received(), { timeout: 30_000 }).toBeGreaterThan(1024 * 1024);
  expect(await serving.stop('SIGKILL')).toBeNull();
  const cut = await download.done;
  expect(cut.complete).toBe(false);
  expect(cut.body.length).toBeLessThan(SIZE);

  // New requests through nginx land on the survivor; the client asks for the rest.
  const rest = await fetch(cluster.url + downloadPath, {
    headers: { cookie: librarianCookie, range: `bytes=${cut.body.length}-`, 'if-range': String(headers.etag) },
  });
  expect(rest.status).toBe(206);
  expect(rest.headers.get('x-upstream')).not.toBe(`127.0.0.1:${serving.port}`);
  const whole = Buffer.concat([cut.body, Buffer.from(await rest.arrayBuffer())]);
  expect(sha(whole)).toBe(sha(big));
  for (let i = 0; i < 4; i++) expect((await fetch(`${cluster.url}/api/health/ready`)).status).toBe(200);
});

test('SIGTERM lets an in-flight download finish, refuses new connections, and exits 0', async () => {
  const survivor = cluster.instances.find((i) => i.process())!;
  const download = slowDownload(survivor.url + downloadPath, { cookie: librarianCookie });
  expect((await download.headers).status).toBe(200);
  await expect.poll(() => download.received(), { timeout: 30_000 }).toBeGreaterThan(1024 * 1024);
  const child = survivor.process()!;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  await expect.poll(() => connectionRefused(survivor.url), { timeout: 10_000 }).toBe(true);
  expect(download.received()).toBeLessThan(SIZE); // still running when the door closed
  const transfer = await download.done;
  expect(transfer.complete).toBe(true);
  expect(sha(transfer.body)).toBe(sha(big));
  expect(await exited).toBe(0);
});
