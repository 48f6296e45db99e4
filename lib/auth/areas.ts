import type { Role } from '@/db/schema';

/**
 * The portal's areas and the roles that may use them: one table read by the proxy (route
 * gating), the navigation, the pages themselves and the access tests.
 * `roles: 'any'` means every signed-in user.
 */
export interface Area {
  href: string;
  label: string;
  roles: readonly Role[] | 'any';
}

export const areas: readonly Area[] = [
  { href: '/catalogue', label: 'Catalogue', roles: 'any' },
  { href: '/requests', label: 'My requests', roles: 'any' },
  { href: '/devices', label: 'My devices', roles: 'any' },
  { href: '/approvals', label: 'Approvals', roles: ['approver'] },
  { href: '/library', label: 'Library', roles: ['librarian', 'admin'] },
  { href: '/desk', label: 'Service desk', roles: ['service_desk', 'admin'] },
  { href: '/deployments', label: 'Deployments', roles: ['deployment_manager', 'admin'] },
  { href: '/changes', label: 'Changes', roles: ['change_manager', 'deployment_manager', 'admin'] },
  { href: '/supplier', label: 'Supplier', roles: ['supplier'] },
  { href: '/admin', label: 'Admin', roles: ['admin'] },
];

export function areaFor(pathname: string): Area | undefined {
  return areas.find((a) => pathname === a.href || pathname.startsWith(`${a.href}/`));
}

/** A supplier's person (and nothing else) is an outsider: only the supplier area, not the organisation's own. */
export const isOutsider = (roles: readonly Role[]) => roles.length > 0 && roles.every((r) => r === 'supplier');

export function mayEnter(area: Area, roles: readonly Role[]): boolean {
  if (area.roles === 'any') return !isOutsider(roles);
  return area.roles.some((r) => roles.includes(r));
}
