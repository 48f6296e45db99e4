import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { changeRecords, suppliers, type ChangeKind, type ChangeRecord } from '@/db/schema';
import { createSupplierCredential } from '@/lib/suppliers/credentials';
import { actor } from './actors';

/**
 * A change record as if its approvers had decided it: approved by default, window from an hour
 * ago to a week ahead. Give it to a live deployment as its changeRef to pass the change gate.
 */
export async function approvedChange(
  over: { kind?: ChangeKind; state?: ChangeRecord['state']; windowStart?: Date; windowEnd?: Date; reference?: string } = {},
): Promise<ChangeRecord> {
  const [c] = await getDb()
    .insert(changeRecords)
    .values({
      reference: over.reference ?? `CHG-T-${randomUUID().slice(0, 8)}`,
      title: 'Test change',
      kind: over.kind ?? 'normal',
      state: over.state ?? 'approved',
      windowStart: over.windowStart ?? new Date(Date.now() - 3_600_000),
      windowEnd: over.windowEnd ?? new Date(Date.now() + 7 * 86_400_000),
    })
    .returning();
  return c!;
}

/** A seeded supplier's id by name ('Northwind Networks': network gear in Frankfurt DC; 'Contoso Hosting': live servers). */
export async function supplierId(name: string): Promise<string> {
  return (await getDb().query.suppliers.findFirst({ where: eq(suppliers.name, name) }))!.id;
}

/** A fresh API credential of a seeded supplier, as an admin issues it; returns the secret and its id. */
export async function supplierCredential(name = 'Northwind Networks', expiresAt = new Date(Date.now() + 86_400_000)) {
  const { credential, secret } = await createSupplierCredential(await actor('admin@example.com'), await supplierId(name), {
    name: `cred-${randomUUID().slice(0, 6)}`,
    expiresAt,
  });
  return { id: credential.id, secret, authorization: `Bearer ${secret}` };
}
