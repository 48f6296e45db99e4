import { z } from 'zod';
import type { User } from '@/db/schema';
import { appUrl } from '@/lib/env';
import { text } from '@/lib/text';
import { badRequest, ENTERPRISE_SCHEMA, USER_SCHEMA } from './errors';

const str = (max: number) => text().max(max, `At most ${max} characters.`);

/** Attributes of the core User schema (RFC 7643 §4.1) the portal accepts; those it does not keep are accepted and ignored. */
const KNOWN = new Set(
  [
    'schemas',
    'id',
    'meta',
    'groups',
    'userName',
    'externalId',
    'name',
    'displayName',
    'emails',
    'active',
    'nickName',
    'profileUrl',
    'title',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
    'password',
    'phoneNumbers',
    'ims',
    'photos',
    'addresses',
    'entitlements',
    'roles',
    'x509Certificates',
    ENTERPRISE_SCHEMA,
  ].map((k) => k.toLowerCase()),
);

/** Refuses attributes no User schema defines (400 invalidSyntax naming it), then folds keys to their canonical case. */
export function knownUserAttributes(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body is a JSON object.', 'invalidSyntax');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!KNOWN.has(k.toLowerCase())) throw badRequest(`Unknown attribute "${k}".`, 'invalidSyntax');
    const canonical = ['userName', 'externalId', 'displayName', 'emails', 'active', 'name', ENTERPRISE_SCHEMA].find(
      (c) => c.toLowerCase() === k.toLowerCase(),
    );
    out[canonical ?? k] = v;
  }
  return out;
}

const email = z.object({ value: str(254), type: str(40).nullish(), primary: z.boolean().nullish(), display: str(254).nullish() });

/** A User as a client sends it (POST, PUT, or a PATCH result): only what the portal stores is kept. */
export const scimUserInput = z.object({
  userName: str(254).trim().min(1, 'userName is required.'),
  externalId: str(255).nullish(),
  displayName: str(200).nullish(),
  name: z.object({ formatted: str(200).nullish(), givenName: str(100).nullish(), familyName: str(100).nullish() }).nullish(),
  emails: z.array(email).max(20).nullish(),
  active: z.boolean().default(true),
  [ENTERPRISE_SCHEMA]: z.object({ manager: z.object({ value: str(64).nullish() }).nullish() }).nullish(),
});
export type ScimUserInput = z.infer<typeof scimUserInput>;

const EMAIL = z.email();

/** What the portal stores of a SCIM User: e-mail (required), name, SCIM userName if it differs, and so on. */
export function storedUser(input: ScimUserInput) {
  const emails = input.emails ?? [];
  const primary = emails.find((e) => e.primary) ?? emails.find((e) => e.type === 'work') ?? emails[0];
  const candidate = (primary?.value ?? input.userName).trim().toLowerCase();
  if (!EMAIL.safeParse(candidate).success) {
    throw badRequest('The user needs an e-mail address: in emails, or as the userName.', 'invalidValue');
  }
  const given = [input.name?.givenName, input.name?.familyName].filter(Boolean).join(' ');
  const name = input.displayName?.trim() || input.name?.formatted?.trim() || given || input.userName;
  return {
    email: candidate,
    userName: input.userName.toLowerCase() === candidate ? null : input.userName,
    name: name.slice(0, 200),
    externalId: input.externalId ?? null,
    active: input.active,
    managerId: input[ENTERPRISE_SCHEMA]?.manager?.value ?? null,
  };
}

export const scimBase = () => `${appUrl()}/scim/v2`;

/** The SCIM representation of a portal user (RFC 7643 §4.1, with the enterprise manager). */
export function toScimUser(u: User, groups: { id: string; name: string }[]) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
    id: u.id,
    ...(u.externalId ? { externalId: u.externalId } : {}),
    userName: u.userName ?? u.email,
    name: { formatted: u.name },
    displayName: u.name,
    emails: [{ value: u.email, type: 'work', primary: true }],
    active: u.active,
    groups: groups.map((g) => ({ value: g.id, display: g.name, $ref: `${scimBase()}/Groups/${g.id}`, type: 'direct' })),
    [ENTERPRISE_SCHEMA]: u.managerId ? { manager: { value: u.managerId, $ref: `${scimBase()}/Users/${u.managerId}` } } : {},
    meta: { resourceType: 'User', created: u.createdAt.toISOString(), location: `${scimBase()}/Users/${u.id}` },
  };
}
