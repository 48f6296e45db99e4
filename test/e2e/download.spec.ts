import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { demo, signIn } from './support';

// The download API over real HTTP, driven by the real curl binary with the session cookie of a
// browser sign-in: what a person resuming a download from a terminal would do.

test.describe.configure({ mode: 'serial' });

interface CurlResult {
  status: number;
  headers: Record<string, string>;
  exitCode: number;
  body: Buffer;
}

let dir: string;
let base: string;
let librarianCookie: string;
const current = { url: '', sha256: '', size: 0 };
let draftUrl = '';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The response announces its length (pages/api keeps Content-Length) and the body is exactly that long. */
function expectLength(r: CurlResult, length: number, body = r.body.length) {
  expect(r.headers['content-length']).toBe(String(length));
  expect(body).toBe(length);
}

interface CurlOptions {
  cookie?: string;
  /** Where the body goes (kept, so a later call can resume into it). */
  out?: string;
  args?: string[];
}

/** Runs curl and returns status, headers (lower-cased names), curl's exit code and the body. */
function curl(url: string, { cookie, out = path.join(dir, randomUUID()), args = [] }: CurlOptions = {}): Promise<CurlResult> {
  const headerFile = `${out}.headers`;
  const argv = ['-sS', '-o', out, '-D', headerFile, ...(cookie ? ['-H', `Cookie: ${cookie}`] : []), ...args, url];
  return new Promise((resolve, reject) => {
    execFile('curl', argv, async (error) => {
      try {
        const raw = await readFile(headerFile, 'latin1');
        const lines = raw.trim().split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        const body = await readFile(out).catch(() => Buffer.alloc(0));
        resolve({ status: Number(lines[0]!.split(' ')[1]), headers, exitCode: error ? Number(error.code) : 0, body });
      } catch (e) {
        reject(e);
      }
    });
  });
}

async function sessionCookie(browser: Browser, baseURL: string, email: string): Promise<string> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, email);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  await context.close();
  return cookie;
}

test.beforeAll(async ({ browser }, info) => {
  base = info.project.use.baseURL!;
  dir = await mkdtemp(path.join(os.tmpdir(), 'portal-e2e-download-'));
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await signIn(page, demo.librarian);
  await page.goto('/catalogue/firefox');
  // The current (published) release's first artifact: its link, recorded hash and size.
  const release = page.getByTestId('release').filter({ has: page.getByText('current', { exact: true }) });
  const row = release.locator('tr', { has: page.getByTestId('download-link') }).first();
  current.url = base + (await row.getByTestId('download-link').getAttribute('href'))!;
  current.sha256 = (await row.getByTestId('sha256').textContent())!.trim(); // in a closed <details>
  current.size = Number((await row.locator('td[title$=" bytes"]').getAttribute('title'))!.split(' ')[0]);
  const draft = page.getByTestId('release').filter({ hasText: 'Version 142.0' });
  draftUrl = base + (await draft.getByTestId('download-link').first().getAttribute('href'))!;
  librarianCookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  await context.close();
  expect(current.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(current.size).toBeGreaterThan(8 * 1024 - 1);
});

test.afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a librarian downloads the whole file, with its hash, size, name and caching headers', async () => {
  const r = await curl(current.url, { cookie: librarianCookie });
  expect([r.status, r.exitCode]).toEqual([200, 0]);
  expect(sha(r.body)).toBe(current.sha256);
  expectLength(r, current.size);
  expect(r.headers['etag']).toBe(`"${current.sha256}"`);
  expect(r.headers['accept-ranges']).toBe('bytes');
  expect(r.headers['cache-control']).toContain('no-store');
  expect(r.headers['content-disposition']).toMatch(/^attachment; filename="firefox-141\.0-[a-z0-9-]+\.[a-z.]+"; filename\*=UTF-8''/);
  expect(r.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(current.sha256, 'hex').toString('base64')}:`);

  const head = await curl(current.url, { cookie: librarianCookie, args: ['-I'] });
  expect(head.status).toBe(200);
  expect(head.headers['content-length']).toBe(String(current.size));
  expect(head.headers['etag']).toBe(`"${current.sha256}"`); // (curl -I writes the headers, not a body, to its output)

  // A draft build can be pulled by a librarian to test it.
  expect((await curl(draftUrl, { cookie: librarianCookie })).status).toBe(200);
});

test('pieces fetched with --range reassemble into the file', async () => {
  const cuts = [0, 1000, Math.floor(current.size / 2), current.size - 1, current.size];
  const pieces: Buffer[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const r = await curl(current.url, { cookie: librarianCookie, args: ['--range', `${cuts[i]}-${cuts[i + 1]! - 1}`] });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes ${cuts[i]}-${cuts[i + 1]! - 1}/${current.size}`);
    expectLength(r, cuts[i + 1]! - cuts[i]!);
    pieces.push(r.body);
  }
  expect(sha(Buffer.concat(pieces))).toBe(current.sha256);
});

test('a download cut off half-way is completed with curl -C -', async () => {
  const out = path.join(dir, 'resumed.bin');
  expect((await curl(current.url, { cookie: librarianCookie, out })).status).toBe(200);
  await truncate(out, Math.floor(current.size / 2));
  const r = await curl(current.url, { cookie: librarianCookie, out, args: ['-C', '-'] });
  expect([r.status, r.exitCode]).toEqual([206, 0]);
  expect(r.headers['content-range']).toBe(`bytes ${Math.floor(current.size / 2)}-${current.size - 1}/${current.size}`);
  expect((await stat(out)).size).toBe(current.size);
  expect(sha(await readFile(out))).toBe(current.sha256);
});

test('a range past the end is 416 with the size', async () => {
  const r = await curl(current.url, { cookie: librarianCookie, args: ['--range', `${current.size}-`] });
  expect(r.status).toBe(416);
  expect(r.headers['content-range']).toBe(`bytes */${current.size}`);
});

test('a requester without an entitlement and a signed-out visitor get no byte of it', async ({ browser }) => {
  const alice = await sessionCookie(browser, base, demo.requester);
  const cases: [string, string | undefined, number][] = [
    [current.url, alice, 403], // No device named.
    [`${current.url}?device=${randomUUID()}`, alice, 404], // Not a device of hers.
    [current.url, undefined, 401],
    [`${base}/api/artifacts/not-a-uuid/download`, librarianCookie, 404],
    [`${base}/api/artifacts/${randomUUID()}/download`, librarianCookie, 404],
  ];
  for (const [url, cookie, status] of cases) {
    const r = await curl(url, { cookie });
    expect([url, r.status]).toEqual([url, status]);
    expect(r.headers['content-type']).toContain('application/json');
    const body = JSON.parse(r.body.toString('utf8')) as { error: string };
    expect(body.error.length).toBeGreaterThan(0);
    expect(r.body.length).toBeLessThan(current.size);
    expect(r.body.toString('latin1')).not.toContain('Demo package');
  }
  // Ranges do not get around it either.
  expect((await curl(current.url, { cookie: alice, args: ['--range', '0-99'] })).status).toBe(403);
});
