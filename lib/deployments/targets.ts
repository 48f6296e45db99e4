import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type DbOrTx, type Tx } from '@/db';
import { devices, environments, groups, targets, users, type TargetRules } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { assertId, ConflictError, NotFoundError, sqlState, ValidationError } from '@/lib/errors';
import { assertManager } from './access';
import { targetCondition } from './rules-sql';
import type { TargetInput, TargetRulesInput } from './schema';

/** Drops empty dimensions so stored rules say only what restricts. */
function normalise(rules: TargetRulesInput): TargetRules {
  const out: TargetRules = {};
  for (const [k, v] of Object.entries(rules) as [keyof TargetRules, string[] | undefined][]) {
    if (v?.length) (out as Record<string, string[]>)[k] = v;
  }
  return out;
}

/** Every id and environment a rule names must exist: an unknown one is a 422 naming the field. */
async function checkReferences(tx: DbOrTx, rules: TargetRules): Promise<void> {
  const missing = async (ids: string[] | undefined, table: typeof groups | typeof devices) => {
    if (!ids?.length) return false;
    const [row] = await tx.select({ n: count() }).from(table).where(inArray(table.id, ids));
    return (row?.n ?? 0) !== ids.length;
  };
  if (await missing(rules.groupIds, groups)) throw new ValidationError('One of the groups does not exist.', 'groupIds');
  if (await missing(rules.deviceIds, devices)) throw new ValidationError('One of the devices does not exist.', 'deviceIds');
  if (rules.environments?.length) {
    const [row] = await tx.select({ n: count() }).from(environments).where(inArray(environments.key, rules.environments));
    if ((row?.n ?? 0) !== rules.environments.length) throw new ValidationError('One of the environments does not exist.', 'environments');
  }
}

export interface TargetPreview {
  count: number;
  first: { id: string; hostname: string; platform: string; environment: string; site: string | null; owner: string }[];
}

/** What rules would select right now: a count and the first devices by hostname (before saving). */
export async function previewTarget(actor: Actor, rules: TargetRulesInput, limit = 20): Promise<TargetPreview> {
  assertManager(actor);
  const db = getDb();
  const normal = normalise(rules);
  await checkReferences(db, normal);
  const where = targetCondition(normal);
  const [total, first] = await Promise.all([
    db.select({ n: count() }).from(devices).where(where),
    db
      .select({
        id: devices.id,
        hostname: devices.hostname,
        platform: devices.platform,
        environment: devices.environment,
        site: devices.site,
        owner: users.name,
      })
      .from(devices)
      .innerJoin(users, eq(users.id, devices.ownerId))
      .where(where)
      .orderBy(asc(devices.hostname), asc(devices.id))
      .limit(limit),
  ]);
  return { count: total[0]?.n ?? 0, first };
}

export const nameTaken = (e: unknown) =>
  sqlState(e) === '23505' ? new ValidationError('A target with this name exists already.', 'name') : e;

export async function createTarget(actor: Actor, input: TargetInput): Promise<{ id: string }> {
  return getDb()
    .transaction((tx) => insertTarget(tx, actor, input))
    .catch((e: unknown) => {
      throw nameTaken(e);
    });
}

/** createTarget inside the caller's transaction, for a target that belongs with other writes. */
export async function insertTarget(tx: Tx, actor: Actor, input: TargetInput): Promise<{ id: string }> {
  assertManager(actor);
  const rules = normalise(input.rules);
  await checkReferences(tx, rules);
  const [row] = await tx
    .insert(targets)
    .values({ name: input.name, description: input.description, rules, createdById: actor.id })
    .returning({ id: targets.id });
  await recordAudit(
    {
      actor: { kind: 'user', id: actor.id },
      action: 'target.created',
      entityType: 'target',
      entityId: row!.id,
      after: { ...input, rules },
    },
    tx,
  );
  return row!;
}

/**
 * Changes a target's rules. Deployments using it pick the change up at their next sweep
 * (devices that joined are assigned, devices that left lose their assignment), by design: a
 * target is a live collection.
 */
export async function updateTarget(actor: Actor, id: string, input: TargetInput): Promise<void> {
  assertManager(actor);
  assertId(id, 'No such target.');
  const rules = normalise(input.rules);
  await getDb()
    .transaction(async (tx) => {
      const [before] = await tx.select().from(targets).where(eq(targets.id, id)).for('update');
      if (!before) throw new NotFoundError('No such target.');
      if (before.archived) throw new ConflictError('This target is archived; restore it before editing.');
      await checkReferences(tx, rules);
      await tx
        .update(targets)
        .set({ name: input.name, description: input.description, rules, updatedAt: new Date() })
        .where(eq(targets.id, id));
      await recordAudit(
        {
          actor: { kind: 'user', id: actor.id },
          action: 'target.updated',
          entityType: 'target',
          entityId: id,
          before: { name: before.name, description: before.description, rules: before.rules },
          after: { ...input, rules },
        },
        tx,
      );
    })
    .catch((e: unknown) => {
      throw nameTaken(e);
    });
}

/** Archived targets cannot be chosen for new deployments; deployments already using one keep it. */
export async function setTargetArchived(actor: Actor, id: string, archived: boolean): Promise<void> {
  assertManager(actor);
  assertId(id, 'No such target.');
  await getDb().transaction(async (tx) => {
    const [row] = await tx
      .update(targets)
      .set({ archived, updatedAt: new Date() })
      .where(and(eq(targets.id, id), eq(targets.archived, !archived)))
      .returning({ id: targets.id });
    if (!row) {
      const exists = await tx.query.targets.findFirst({ where: eq(targets.id, id) });
      if (!exists) throw new NotFoundError('No such target.');
      throw new ConflictError(archived ? 'This target is archived already.' : 'This target is not archived.');
    }
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: archived ? 'target.archived' : 'target.restored',
        entityType: 'target',
        entityId: id,
      },
      tx,
    );
  });
}

/** Targets with their current device count (computed live from the rules). */
export async function listTargets(actor: Actor, { includeArchived = false } = {}) {
  assertManager(actor);
  const db = getDb();
  const rows = await db
    .select()
    .from(targets)
    .where(includeArchived ? undefined : eq(targets.archived, false))
    .orderBy(asc(targets.name));
  return Promise.all(
    rows.map(async (t) => {
      const [n] = await db.select({ n: count() }).from(devices).where(targetCondition(t.rules));
      return { ...t, deviceCount: n?.n ?? 0 };
    }),
  );
}

export async function getTarget(actor: Actor, id: string) {
  assertManager(actor);
  assertId(id, 'No such target.');
  const target = await getDb().query.targets.findFirst({ where: eq(targets.id, id) });
  if (!target) throw new NotFoundError('No such target.');
  return target;
}

/** Choices for the rules form: groups, environments, sites and countries in use. */
export async function targetRuleChoices(actor: Actor) {
  assertManager(actor);
  const db = getDb();
  const [groupRows, envRows, siteRows, countryRows] = await Promise.all([
    db.select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.archived, false)).orderBy(asc(groups.name)),
    db.select({ key: environments.key, name: environments.name }).from(environments).orderBy(asc(environments.rank)),
    db
      .selectDistinct({ site: devices.site })
      .from(devices)
      .where(sql`${devices.site} is not null`)
      .orderBy(asc(devices.site)),
    db
      .selectDistinct({ country: devices.country })
      .from(devices)
      .where(sql`${devices.country} is not null`)
      .orderBy(asc(devices.country)),
  ]);
  return {
    groups: groupRows,
    environments: envRows,
    sites: siteRows.map((r) => r.site!),
    countries: countryRows.map((r) => r.country!),
  };
}
