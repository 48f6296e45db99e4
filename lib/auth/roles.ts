import type { Role } from '@/db/schema';
import { ForbiddenError } from '@/lib/errors';

/** Who is acting: what services need to decide whether an action is allowed. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  roles: readonly Role[];
}

export const roleLabels: Record<Role, string> = {
  requester: 'Requester',
  approver: 'Approver',
  librarian: 'Librarian',
  service_desk: 'Service desk',
  admin: 'Administrator',
  deployment_manager: 'Deployment manager',
  supplier: 'Supplier',
  change_manager: 'Change manager',
};

export function hasRole(actor: Pick<Actor, 'roles'>, ...roles: Role[]): boolean {
  return roles.some((r) => actor.roles.includes(r));
}

/** Throws unless the actor holds at least one of `roles`. */
export function assertRole(actor: Pick<Actor, 'roles'>, ...roles: Role[]): void {
  if (!hasRole(actor, ...roles)) {
    throw new ForbiddenError(`This needs the role ${roles.map((r) => roleLabels[r]).join(' or ')}.`);
  }
}
