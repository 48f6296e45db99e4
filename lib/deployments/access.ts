import { assertRole, hasRole, type Actor } from '@/lib/auth/roles';

/** Planning and changing deployments and targets: deployment managers and admins. */
export function assertManager(actor: Pick<Actor, 'roles'>): void {
  assertRole(actor, 'deployment_manager', 'admin');
}

export const isManager = (actor: Pick<Actor, 'roles'>) => hasRole(actor, 'deployment_manager', 'admin');
