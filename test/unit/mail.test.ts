import { eq, sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { devices, products } from '@/db/schema';
import { decide } from '@/lib/requests/decide';
import { submitRequest } from '@/lib/requests/submit';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { runJobWorker } from '../support/jobs';

// The portal reads SMTP_URL when lib/env is first imported, so it is set before any import runs.
const port = vi.hoisted(() => {
  const p = 20000 + Math.floor(Math.random() * 20000);
  process.env.SMTP_URL = `smtp://127.0.0.1:${p}`;
  process.env.MAIL_FROM = 'Portal <portal@example.com>';
  return p;
});

const db = setupTestDb();
const received: { to: string[]; body: string }[] = [];
let accepting = true;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    let body = '';
    stream.on('data', (c: Buffer) => (body += c.toString()));
    stream.on('end', () => {
      if (!accepting) return callback(new Error('Mailbox unavailable'));
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
      callback();
    });
  },
});

beforeAll(() => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
// Mail is a job: a worker on this database delivers it, as the server process's worker would
// (registered after the server, so it stops before the server closes).
runJobWorker();

const id = async <T extends { id: string }>(p: Promise<T | undefined>) => (await p)!.id;

describe(`e-mail notifications (${engine})`, () => {
  it('mails the requester the decision through a real SMTP server', async () => {
    const alice = await actor('alice@example.com');
    const r = await submitRequest(alice, {
      productId: await id(db().query.products.findFirst({ where: eq(products.slug, 'intellij-idea') })),
      deviceId: await id(db().query.devices.findFirst({ where: eq(devices.hostname, 'alice-mbp') })),
      justification: 'Kotlin services need the Ultimate edition.',
    });
    // The approver hears of the new request by mail too (the queue delivers it after the commit, so wait for it).
    await expect
      .poll(
        () => received.some((m) => m.to.includes('manager@example.com') && m.body.includes('Alice Anders requests IntelliJ IDEA Ultimate')),
        { timeout: 10_000 },
      )
      .toBe(true);
    await decide(await actor('manager@example.com'), { requestId: r.id, decision: 'approved', comment: '' });
    await expect.poll(() => received.some((m) => m.to.includes('alice@example.com')), { timeout: 10_000 }).toBe(true);
    const mail = received.find((m) => m.to.includes('alice@example.com'));
    expect(mail?.body).toContain('Subject: IntelliJ IDEA Ultimate is approved and ready to download');
    expect(mail?.body).toContain(`/requests/${r.id}`);
  });

  it('a mail server that refuses the message does not fail the decision; the mail is retried', async () => {
    accepting = false;
    const bob = await actor('bob@example.com');
    const r = await submitRequest(bob, {
      productId: await id(db().query.products.findFirst({ where: eq(products.slug, 'figma') })),
      deviceId: await id(db().query.devices.findFirst({ where: eq(devices.hostname, 'bob-studio') })),
      justification: 'Design reviews with the product team.',
    });
    const result = await decide(await actor('manager@example.com'), { requestId: r.id, decision: 'rejected', comment: 'Use the web app' });
    expect(result.status).toBe('rejected');
    // The refused mail is not lost: its job fails and waits for a retry (with backoff).
    const retrying = async () => {
      const result = (await db().execute(
        sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail.send' AND state = 'retry' AND data->>'to' = 'bob@example.com'`,
      )) as unknown as { rows: { n: number }[] };
      return result.rows[0]!.n;
    };
    await expect.poll(retrying, { timeout: 20_000, interval: 250 }).toBeGreaterThan(0);
    accepting = true;
  });
});
