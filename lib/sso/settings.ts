import { z } from 'zod';
import { roleValues, type Role } from '@/db/schema';
import { env } from '@/lib/env';

/** What one IdP group grants: portal roles and memberships of portal groups (by name). */
const grant = z.strictObject({
  roles: z.array(z.enum(roleValues)).default([]),
  groups: z.array(z.string().min(1)).default([]),
});
const groupMap = z.record(z.string().min(1), grant);
export type GroupMap = z.infer<typeof groupMap>;

export interface SsoSettings {
  issuer: string;
  unknownUsers: 'create' | 'refuse';
  groupsClaim: string;
  managerClaim?: string;
  externalIdClaim?: string;
  groupMap: GroupMap;
}

/** Parses OIDC_GROUP_MAP, naming the variable and the entry at fault when it is wrong. */
export function parseGroupMap(json: string | undefined): GroupMap {
  if (!json) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('OIDC_GROUP_MAP is not valid JSON.');
  }
  const parsed = groupMap.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`OIDC_GROUP_MAP: ${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

let cached: SsoSettings | undefined;

/** The single sign-on settings from the environment (validated once). */
export function ssoSettings(): SsoSettings {
  cached ??= {
    issuer: env.OIDC_ISSUER ?? '',
    unknownUsers: env.OIDC_UNKNOWN_USERS,
    groupsClaim: env.OIDC_GROUPS_CLAIM,
    managerClaim: env.OIDC_MANAGER_CLAIM,
    externalIdClaim: env.OIDC_EXTERNAL_ID_CLAIM,
    groupMap: parseGroupMap(env.OIDC_GROUP_MAP),
  };
  return cached;
}

export const oidcEnabled = () => Boolean(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET);
export const localSignInEnabled = () => env.LOCAL_SIGN_IN === 'on';
export const oidcDisplayName = () => env.OIDC_DISPLAY_NAME;

/** Roles the mapping hands out: the IdP is the authority for these; others stay the administrator's. */
export function managedRoles(map: GroupMap): Set<Role> {
  return new Set(Object.values(map).flatMap((g) => g.roles));
}
