import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Starts test/support/shutdown-child.ts with the given grace period; resolves with its port. */
async function startChild(graceSeconds: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/shutdown-child.ts')], {
    env: { ...process.env, NEXT_MANUAL_SIG_HANDLE: '1', SHUTDOWN_GRACE_SECONDS: String(graceSeconds), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before listening`)));
  });
  return { child, port };
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

/** A GET that resolves when the response ends or is cut, saying which. */
function get(port: number, urlPath: string): Promise<{ status: number; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown on SIGTERM', () => {
  it('lets a request in flight finish, then exits 0', async () => {
    const { child, port } = await startChild(10);
    const answer = get(port, '/short');
    await new Promise((r) => setTimeout(r, 100));
    const exit = exitOf(child);
    child.kill('SIGTERM');
    expect(await answer).toEqual({ status: 200, body: 'done', complete: true });
    expect(await exit).toBe(0);
  }, 30_000);

  it('cuts what still runs when the grace period is over, and still exits 0', async () => {
    const { child, port } = await startChild(1);
    const answer = get(port, '/endless');
    await new Promise((r) => setTimeout(r, 200));
    const exit = exitOf(child);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const cut = await answer;
    expect(cut.complete).toBe(false);
    expect(cut.body.length).toBeGreaterThan(0);
    expect(await exit).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5000);
  }, 30_000);
});
