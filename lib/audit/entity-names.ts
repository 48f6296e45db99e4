import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { apiTokens, artifacts, delegations, devices, entitlements, groups, products, releases, serviceRequests, users } from '@/db/schema';

type Ref = { entityType: string; entityId: string };
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What people call each entity an audit event is about ("Mozilla Firefox 141.0", "alice-mbp"), so
 * the log reads as sentences rather than ids. One query per entity type on the page, whatever its
 * length; an entity that no longer exists keeps its id only.
 */
export async function entityNames(db: DbOrTx, refs: Ref[]): Promise<Map<string, string>> {
  const idsOf = (type: string) => [...new Set(refs.filter((r) => r.entityType === type && uuid.test(r.entityId)).map((r) => r.entityId))];
  const names = new Map<string, string>();
  const put = (type: string, rows: { id: string; name: string }[]) => rows.forEach((r) => names.set(`${type}:${r.id}`, r.name));
  const lookups: Record<string, (ids: string[]) => Promise<{ id: string; name: string }[]>> = {
    product: (ids) => db.select({ id: products.id, name: products.name }).from(products).where(inArray(products.id, ids)),
    release: (ids) =>
      db
        .select({ id: releases.id, name: sql<string>`${products.name} || ' ' || ${releases.version}` })
        .from(releases)
        .innerJoin(products, eq(products.id, releases.productId))
        .where(inArray(releases.id, ids)),
    artifact: (ids) =>
      db
        .select({
          id: artifacts.id,
          name: sql<string>`${artifacts.fileName} || ' (' || ${products.name} || ' ' || ${releases.version} || ')'`,
        })
        .from(artifacts)
        .innerJoin(releases, eq(releases.id, artifacts.releaseId))
        .innerJoin(products, eq(products.id, releases.productId))
        .where(inArray(artifacts.id, ids)),
    device: (ids) => db.select({ id: devices.id, name: devices.hostname }).from(devices).where(inArray(devices.id, ids)),
    user: (ids) =>
      db
        .select({ id: users.id, name: sql<string>`${users.name} || ' <' || ${users.email} || '>'` })
        .from(users)
        .where(inArray(users.id, ids)),
    group: (ids) => db.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.id, ids)),
    api_token: (ids) => db.select({ id: apiTokens.id, name: apiTokens.name }).from(apiTokens).where(inArray(apiTokens.id, ids)),
    service_request: (ids) =>
      db
        .select({ id: serviceRequests.id, name: sql<string>`${products.name} || ' for ' || ${users.name}` })
        .from(serviceRequests)
        .innerJoin(products, eq(products.id, serviceRequests.productId))
        .innerJoin(users, eq(users.id, serviceRequests.requesterId))
        .where(inArray(serviceRequests.id, ids)),
    entitlement: (ids) =>
      db
        .select({ id: entitlements.id, name: sql<string>`${products.name} || ' for ' || ${users.name}` })
        .from(entitlements)
        .innerJoin(products, eq(products.id, entitlements.productId))
        .innerJoin(users, eq(users.id, entitlements.userId))
        .where(inArray(entitlements.id, ids)),
    delegation: (ids) =>
      db
        .select({ id: delegations.id, name: sql<string>`'Stand-in for ' || ${users.name}` })
        .from(delegations)
        .innerJoin(users, eq(users.id, delegations.approverId))
        .where(inArray(delegations.id, ids)),
  };
  await Promise.all(
    Object.entries(lookups).map(async ([type, lookup]) => {
      const ids = idsOf(type);
      if (ids.length) put(type, await lookup(ids));
    }),
  );
  return names;
}
