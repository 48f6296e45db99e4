import { asc, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { devices, supplierDevices, suppliers, users, type Supplier } from '@/db/schema';
import { parseInput } from '@/lib/pipeline/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { asInputError, assertId, ConflictError, NotFoundError, sqlState, ValidationError } from '@/lib/errors';
import { supplierInput, type SupplierInput } from './schema';

export interface SupplierView {
  id: string;
  name: string;
  contactEmail: string;
  environments: string[];
  sites: string[];
  kinds: Supplier['kinds'];
  devices: { id: string; hostname: string }[];
  people: { id: string; name: string; email: string }[];
  active: boolean;
}

async function writeScope(tx: Tx, supplierId: string, deviceIds: string[]) {
  if (deviceIds.length) {
    const found = await tx.select({ id: devices.id }).from(devices).where(inArray(devices.id, deviceIds));
    if (found.length !== deviceIds.length) throw new ValidationError('Choose devices from the list.', 'deviceIds');
  }
  await tx.delete(supplierDevices).where(eq(supplierDevices.supplierId, supplierId));
  if (deviceIds.length) await tx.insert(supplierDevices).values(deviceIds.map((deviceId) => ({ supplierId, deviceId })));
}

const duplicateName = (e: unknown) => {
  if (sqlState(e) === '23505') return new ConflictError('A supplier with this name exists.', 'name');
  return asInputError(e);
};

/** Registers a supplier with its scope (admins). */
export async function createSupplier(actor: Actor, input: SupplierInput): Promise<{ id: string }> {
  assertRole(actor, 'admin');
  const data = parseInput(supplierInput, input);
  return getDb()
    .transaction(async (tx) => {
      const { deviceIds, ...columns } = data;
      const [row] = await tx.insert(suppliers).values(columns).returning();
      await writeScope(tx, row!.id, [...new Set(deviceIds)]);
      await recordAudit(
        { actor: { kind: 'user', id: actor.id }, action: 'supplier.created', entityType: 'supplier', entityId: row!.id, after: data },
        tx,
      );
      return { id: row!.id };
    })
    .catch((e: unknown) => {
      throw duplicateName(e);
    });
}

/** Replaces a supplier's name, contact and scope; takes effect at its next call. */
export async function updateSupplier(actor: Actor, id: string, input: SupplierInput): Promise<void> {
  assertRole(actor, 'admin');
  assertId(id, 'No such supplier.');
  const data = parseInput(supplierInput, input);
  await getDb()
    .transaction(async (tx) => {
      const [before] = await tx.select().from(suppliers).where(eq(suppliers.id, id)).for('update');
      if (!before) throw new NotFoundError('No such supplier.');
      const { deviceIds, ...columns } = data;
      await tx.update(suppliers).set(columns).where(eq(suppliers.id, id));
      await writeScope(tx, id, [...new Set(deviceIds)]);
      await recordAudit(
        { actor: { kind: 'user', id: actor.id }, action: 'supplier.updated', entityType: 'supplier', entityId: id, before, after: data },
        tx,
      );
    })
    .catch((e: unknown) => {
      throw duplicateName(e);
    });
}

/** Links a person to the supplier and gives them the supplier role (and nothing else of the organisation's). */
export async function addSupplierPerson(actor: Actor, supplierId: string, email: string): Promise<void> {
  assertRole(actor, 'admin');
  assertId(supplierId, 'No such supplier.');
  await getDb().transaction(async (tx) => {
    const [u] = await tx
      .update(users)
      .set({ supplierId, roles: sql`'{supplier}'::role[]` })
      .where(eq(users.email, email.trim().toLowerCase()))
      .returning({ id: users.id });
    if (!u) throw new ValidationError('No user with this e-mail address; create the account first.', 'email');
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'supplier.person_added',
        entityType: 'supplier',
        entityId: supplierId,
        after: { userId: u.id },
      },
      tx,
    );
  });
}

export async function listSuppliers(actor: Actor): Promise<SupplierView[]> {
  assertRole(actor, 'admin', 'change_manager', 'service_desk');
  const db = getDb();
  const rows = await db.select().from(suppliers).orderBy(asc(suppliers.name));
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const items = await db
    .select({ supplierId: supplierDevices.supplierId, id: devices.id, hostname: devices.hostname })
    .from(supplierDevices)
    .innerJoin(devices, eq(devices.id, supplierDevices.deviceId))
    .where(inArray(supplierDevices.supplierId, ids))
    .orderBy(asc(devices.hostname));
  const people = await db
    .select({ supplierId: users.supplierId, id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(inArray(users.supplierId, ids))
    .orderBy(asc(users.name));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    contactEmail: r.contactEmail,
    environments: r.environments,
    sites: r.sites,
    kinds: r.kinds,
    active: r.active,
    devices: items.filter((i) => i.supplierId === r.id).map(({ id, hostname }) => ({ id, hostname })),
    people: people.filter((p) => p.supplierId === r.id).map(({ id, name, email }) => ({ id, name, email })),
  }));
}

export async function getSupplier(actor: Actor, id: string): Promise<SupplierView> {
  assertId(id, 'No such supplier.');
  const found = (await listSuppliers(actor)).find((s) => s.id === id);
  if (!found) throw new NotFoundError('No such supplier.');
  return found;
}
