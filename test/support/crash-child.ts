/**
 * For test/integration/jobs-crash.test.ts: a process that makes one change which queues mail (a
 * request, whose approver is e-mailed), says so on stdout once it has committed, and then waits
 * to be killed before any worker could deliver the mail (it runs no worker).
 *
 * Usage: tsx test/support/crash-child.ts   (DATABASE_URL, or CRASH_PGLITE_DIR for PGlite; SMTP_URL)
 */
import { eq } from 'drizzle-orm';
import { createDb, setDbHandle } from '@/db';
import { devices, products, users } from '@/db/schema';
import { submitRequest } from '@/lib/requests/submit';

const dir = process.env.CRASH_PGLITE_DIR;
const handle = createDb(dir ? { kind: 'pglite', dir } : { kind: 'postgres', url: process.env.DATABASE_URL! });
setDbHandle(handle);
const db = handle.db;
const alice = (await db.query.users.findFirst({ where: eq(users.email, 'alice@example.com') }))!;
const product = (await db.query.products.findFirst({ where: eq(products.slug, 'intellij-idea') }))!;
const device = (await db.query.devices.findFirst({ where: eq(devices.hostname, 'alice-mbp') }))!;
const request = await submitRequest(
  { id: alice.id, email: alice.email, name: alice.name, roles: alice.roles },
  { productId: product.id, deviceId: device.id, justification: 'Committed just before the crash.' },
);
process.stdout.write(`${JSON.stringify({ committed: request.id })}\n`);
// Wait for SIGKILL; never exit on our own.
setInterval(() => {}, 60_000);
