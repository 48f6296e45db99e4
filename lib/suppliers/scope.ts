import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { devices, supplierDevices, suppliers, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { ForbiddenError, UnauthorizedError } from '@/lib/errors';

/** Who speaks for a supplier: one of its credentials (API) or one of its people (page). */
export interface SupplierPrincipal {
  supplierId: string;
  tokenId: string | null;
  userId: string | null;
}

/**
 * The devices in a supplier's scope, as SQL on `devices`: listed explicitly, or matching every
 * non-empty rule (environments AND sites AND kinds). No rules and no list: nothing.
 */
export function inScope(supplierId: string): SQL {
  const s = sql`(select * from ${suppliers} where ${suppliers.id} = ${supplierId} and ${suppliers.active})`;
  return sql`(exists (select 1 from ${supplierDevices} sd where sd.supplier_id = ${supplierId} and sd.device_id = ${devices.id})
    or exists (select 1 from ${s} sc
      where (cardinality(sc.environments) + cardinality(sc.sites) + cardinality(sc.kinds)) > 0
        and (cardinality(sc.environments) = 0 or ${devices.environment} = any(sc.environments))
        and (cardinality(sc.sites) = 0 or ${devices.site} = any(sc.sites))
        and (cardinality(sc.kinds) = 0 or ${devices.kind} = any(sc.kinds))))`;
}

export interface ScopedDevice {
  id: string;
  hostname: string;
  environment: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolves items (device id or hostname) within the supplier's scope. The first item outside it
 * is refused with 403 naming it; unknown items are answered the same way, so a supplier learns
 * nothing about devices it may not touch.
 */
export async function resolveItems(tx: DbOrTx, supplierId: string, items: string[], field = 'items'): Promise<Map<string, ScopedDevice>> {
  const ids = items.filter((i) => UUID.test(i));
  const names = items.filter((i) => !UUID.test(i)).map((n) => n.toLowerCase());
  const match = or(
    ids.length ? inArray(devices.id, ids) : undefined,
    names.length ? inArray(sql`lower(${devices.hostname})`, names) : undefined,
  );
  const rows = await tx
    .select({ id: devices.id, hostname: devices.hostname, environment: devices.environment })
    .from(devices)
    .where(and(match, inArray(devices.status, ['active', 'pending']), inScope(supplierId)));
  const found = new Map<string, ScopedDevice>();
  items.forEach((item, i) => {
    const hits = rows.filter((r) => r.id === item || r.hostname.toLowerCase() === item.toLowerCase());
    if (hits.length !== 1) throw new ForbiddenError(`Item "${item}" is not in this supplier's scope.`, `${field}[${i}]`);
    found.set(item, hits[0]!);
  });
  return found;
}

/** The supplier a signed-in person speaks for: needs the supplier role and a link to an active supplier. */
export async function supplierOfUser(tx: DbOrTx, actor: Actor): Promise<SupplierPrincipal> {
  if (!actor.roles.includes('supplier')) throw new ForbiddenError('This needs the role Supplier.');
  const [row] = await tx
    .select({ supplierId: users.supplierId })
    .from(users)
    .innerJoin(suppliers, eq(suppliers.id, users.supplierId))
    .where(and(eq(users.id, actor.id), eq(users.active, true), eq(suppliers.active, true)));
  if (!row?.supplierId) throw new UnauthorizedError('Your account is not linked to an active supplier.');
  return { supplierId: row.supplierId, tokenId: null, userId: actor.id };
}

/** The devices a supplier may deploy to, for its page and GET /api/v1/supplier/scope. */
export async function listScope(tx: DbOrTx, supplierId: string) {
  return tx
    .select({ id: devices.id, hostname: devices.hostname, kind: devices.kind, site: devices.site, environment: devices.environment })
    .from(devices)
    .where(and(inArray(devices.status, ['active', 'pending']), inScope(supplierId)))
    .orderBy(devices.hostname);
}
