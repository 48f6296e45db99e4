import { and, asc, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { approvalStages, groupMembers, groups, products, users } from '@/db/schema';
import { assertMayUseLibrary } from '@/lib/dml/principal';
import type { Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';

export interface PolicyWarning {
  stage: number;
  /** `never`: no request can pass the stage; `members`: the group's own members' requests cannot. */
  severity: 'never' | 'members';
  message: string;
}

/**
 * Group stages that cannot be met with the people on record: fewer active approvers in the group
 * than the stage needs means every request stops there; exactly as many means a member's own
 * request stops there (nobody approves their own). Read when the librarian looks at the product,
 * so a group that lost members is noticed before requesters are left waiting.
 */
export async function policyWarnings(actor: Actor, productId: string): Promise<PolicyWarning[]> {
  assertMayUseLibrary({ kind: 'user', actor });
  const db = getDb();
  const product = await db.query.products.findFirst({ where: eq(products.id, productId), columns: { id: true } });
  if (!product) throw new NotFoundError('No such product.', 'productId');
  const rows = await db
    .select({
      position: approvalStages.position,
      group: groups.name,
      required: approvalStages.requiredApprovals,
      approvers: sql<number>`(
        select count(*)::int from ${groupMembers} gm join ${users} u on u.id = gm.user_id
        where gm.group_id = ${approvalStages.groupId} and u.active and 'approver' = any(u.roles)
      )`,
    })
    .from(approvalStages)
    .innerJoin(groups, eq(groups.id, approvalStages.groupId))
    .where(and(eq(approvalStages.productId, productId), eq(approvalStages.kind, 'group')))
    .orderBy(asc(approvalStages.position));
  return rows.flatMap((r): PolicyWarning[] => {
    const people = r.approvers === 1 ? '1 active approver' : `${r.approvers} active approvers`;
    const needs = r.required === 1 ? '1 approval' : `${r.required} approvals`;
    if (r.approvers < r.required)
      return [
        {
          stage: r.position,
          severity: 'never',
          message: `Stage ${r.position} needs ${needs} from ${r.group}, which has ${people}: no request can be approved. Add approvers to the group or lower the number needed.`,
        },
      ];
    if (r.approvers === r.required)
      return [
        {
          stage: r.position,
          severity: 'members',
          message: `Stage ${r.position} needs ${needs} from ${r.group}, which has exactly ${people}: a member's own request can never be approved, because nobody approves their own.`,
        },
      ];
    return [];
  });
}
