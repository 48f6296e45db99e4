import { and, eq, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { devices, groupMembers, type TargetRules } from '@/db/schema';

/**
 * The one translation of target rules into SQL over `devices`, used by the preview, the
 * assignment rule and every count, so what a manager previews is what gets assigned.
 * Dimensions AND, values inside one OR, `deviceIds` are added as a union. A rule set that names
 * no dimension selects no device from the rules (only its explicit devices): an empty target
 * must never mean "every device in the estate".
 */
export function targetCondition(rules: TargetRules): SQL {
  const dims: SQL[] = [];
  if (rules.groupIds?.length)
    dims.push(
      sql`exists (select 1 from ${groupMembers} where ${groupMembers.userId} = ${devices.ownerId} and ${inArray(groupMembers.groupId, rules.groupIds)})`,
    );
  if (rules.platforms?.length) dims.push(inArray(devices.platform, rules.platforms));
  if (rules.environments?.length) dims.push(inArray(devices.environment, rules.environments));
  if (rules.sites?.length) dims.push(inArray(devices.site, rules.sites));
  if (rules.countries?.length) dims.push(inArray(devices.country, rules.countries));
  if (rules.kinds?.length) dims.push(inArray(devices.kind, rules.kinds));

  const byRules = dims.length ? and(...dims)! : sql`false`;
  const explicit = rules.deviceIds?.length ? inArray(devices.id, rules.deviceIds) : undefined;
  const selected = explicit ? or(byRules, explicit)! : byRules;
  // Only enrolled, working devices with an owner are targeted: retired or revoked ones never get
  // assignments, nor do devices whose owner left (ownerless until the desk reassigns them).
  return and(eq(devices.status, 'active'), isNotNull(devices.ownerId), selected)!;
}

/** The devices a deployment covers: its target's devices that live in its environment. */
export function deploymentCondition(rules: TargetRules, environment: string): SQL {
  return and(targetCondition(rules), eq(devices.environment, environment))!;
}
