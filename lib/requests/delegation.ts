import { and, asc, eq, gt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb } from '@/db';
import { delegations, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { NotFoundError, ValidationError } from '@/lib/errors';
import type { DelegationInput } from './schema';

/** An approver names a stand-in for a period; the stand-in's inbox then shows their requests. */
export async function createDelegation(actor: Actor, input: DelegationInput): Promise<{ id: string }> {
  assertRole(actor, 'approver');
  if (input.delegateId === actor.id) throw new ValidationError('Choose someone other than yourself.', 'delegateId');
  const delegate = await getDb().query.users.findFirst({ where: eq(users.id, input.delegateId) });
  if (!delegate?.active || !delegate.roles.includes('approver'))
    throw new ValidationError('The delegate must be an active approver.', 'delegateId');
  return getDb().transaction(async (tx) => {
    const [row] = await tx
      .insert(delegations)
      .values({ approverId: actor.id, ...input })
      .returning({ id: delegations.id });
    await recordAudit(
      { actor: { kind: 'user', id: actor.id }, action: 'delegation.created', entityType: 'delegation', entityId: row!.id, after: input },
      tx,
    );
    return row!;
  });
}

/** Ends a delegation now; one that has not started yet is simply cancelled. */
export async function endDelegation(actor: Actor, id: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    const now = new Date();
    const current = await tx.query.delegations.findFirst({
      where: and(eq(delegations.id, id), eq(delegations.approverId, actor.id), gt(delegations.endsAt, now)),
    });
    if (!current) throw new NotFoundError('No such current delegation.');
    if (current.startsAt > now) {
      await tx.delete(delegations).where(eq(delegations.id, id));
      await recordAudit(
        { actor: { kind: 'user', id: actor.id }, action: 'delegation.cancelled', entityType: 'delegation', entityId: id },
        tx,
      );
    } else {
      await tx.update(delegations).set({ endsAt: now }).where(eq(delegations.id, id));
      await recordAudit({ actor: { kind: 'user', id: actor.id }, action: 'delegation.ended', entityType: 'delegation', entityId: id }, tx);
    }
  });
}

/** The actor's current and future delegations, both ways. */
export async function listDelegations(actor: Actor) {
  const approver = alias(users, 'approver');
  const delegate = alias(users, 'delegate');
  const rows = await getDb()
    .select({
      id: delegations.id,
      approverId: delegations.approverId,
      delegateId: delegations.delegateId,
      approver: approver.name,
      delegate: delegate.name,
      startsAt: delegations.startsAt,
      endsAt: delegations.endsAt,
    })
    .from(delegations)
    .innerJoin(approver, eq(approver.id, delegations.approverId))
    .innerJoin(delegate, eq(delegate.id, delegations.delegateId))
    .where(gt(delegations.endsAt, new Date()))
    .orderBy(asc(delegations.startsAt));
  return {
    given: rows.filter((r) => r.approverId === actor.id),
    received: rows.filter((r) => r.delegateId === actor.id),
  };
}

/** Approvers the actor can name as delegate. */
export async function listDelegateChoices(actor: Actor) {
  assertRole(actor, 'approver');
  const rows = await getDb()
    .select({ id: users.id, name: users.name, roles: users.roles, active: users.active })
    .from(users)
    .orderBy(asc(users.name));
  return rows.filter((u) => u.active && u.id !== actor.id && u.roles.includes('approver')).map((u) => ({ id: u.id, name: u.name }));
}
