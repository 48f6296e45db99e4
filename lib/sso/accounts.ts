import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { userIdentities, users, type User } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import type { Actor } from '@/lib/auth/roles';
import { retryOnContention, sqlState, UnauthorizedError } from '@/lib/errors';
import { isStorableText } from '@/lib/text';
import { applyIdpGroups } from './mapping';
import { ssoSettings, type SsoSettings } from './settings';

/** Why a sign-in through the IdP was refused; the sign-in page explains each. */
export type SsoRefusal = 'unverified_email' | 'unknown_user' | 'disabled' | 'conflict' | 'invalid_claims';

export class SsoRefused extends UnauthorizedError {
  constructor(readonly reason: SsoRefusal) {
    super(`Single sign-on refused: ${reason}`);
  }
}

/** The ID token's claims as Auth.js hands them over (already verified: signature, issuer, audience, nonce). */
export type OidcClaims = Record<string, unknown>;

const str = (v: unknown, max = 320): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= max && isStorableText(v) ? v : undefined;

/** A claim that holds groups: an array of strings (or one string); anything else counts as none. */
export function groupsOf(claims: OidcClaims, claim: string): string[] {
  const v = claims[claim];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return [...new Set(list.map((g) => str(g, 256)).filter((g): g is string => !!g))];
}

const asActor = (u: User): Actor => ({ id: u.id, email: u.email, name: u.name, roles: u.roles });
const DISABLED_PASSWORD = '!sso'; // never a valid argon2 hash, so no password opens the account

/**
 * A sign-in through the OpenID provider. The identity (issuer + subject) decides who it is; the
 * first time, it is linked to the account with the same VERIFIED e-mail (or the same SCIM
 * externalId, when a claim carries it), or an account is created (OIDC_UNKNOWN_USERS=create). An
 * unverified e-mail never links. Then roles, groups and manager are taken from the claims.
 */
export async function signInWithOidc(claims: OidcClaims, settings: SsoSettings = ssoSettings()): Promise<Actor> {
  const issuer = str(claims.iss, 2048);
  const subject = str(claims.sub, 255);
  if (!issuer || !subject || issuer !== settings.issuer) throw new SsoRefused('invalid_claims');
  const once = () => retryOnContention(() => getDb().transaction((tx) => signInOnce(tx, claims, issuer, subject, settings)));
  try {
    return await once();
  } catch (e) {
    // Two first sign-ins of one person at once: the loser's insert hit the winner's row; now it is found.
    if (sqlState(e) === '23505') return once();
    throw e;
  }
}

async function signInOnce(tx: Tx, claims: OidcClaims, issuer: string, subject: string, settings: SsoSettings): Promise<Actor> {
  const email = str(claims.email, 254)?.toLowerCase();
  const verified = claims.email_verified === true;
  const name = str(claims.name, 200);
  const [known] = await tx
    .select({ user: users, identityId: userIdentities.id })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)))
    .for('update');
  const user = known?.user ?? (await linkOrCreate(tx, claims, issuer, subject, { email, verified, name }, settings));
  if (!user.active || user.deprovisionedAt) throw new SsoRefused('disabled');
  if (known)
    await tx
      .update(userIdentities)
      .set({ lastSignInAt: sql`now()` })
      .where(eq(userIdentities.id, known.identityId));
  if (name && name !== user.name) await tx.update(users).set({ name }).where(eq(users.id, user.id));
  await applyIdpGroups(tx, user.id, groupsOf(claims, settings.groupsClaim), settings.groupMap, { kind: 'system' });
  if (settings.managerClaim && settings.managerClaim in claims) await applyManager(tx, user, claims[settings.managerClaim], issuer);
  const fresh = await tx.query.users.findFirst({ where: eq(users.id, user.id) });
  return asActor(fresh!);
}

async function linkOrCreate(
  tx: Tx,
  claims: OidcClaims,
  issuer: string,
  subject: string,
  who: { email?: string; verified: boolean; name?: string },
  settings: SsoSettings,
): Promise<User> {
  const externalId = settings.externalIdClaim ? str(claims[settings.externalIdClaim], 255) : undefined;
  const byExternalId = externalId ? await tx.query.users.findFirst({ where: eq(users.externalId, externalId) }) : undefined;
  const byEmail = who.email ? await tx.query.users.findFirst({ where: eq(users.email, who.email) }) : undefined;
  let user = byExternalId ?? (who.verified ? byEmail : undefined);
  // An account under that e-mail exists but the IdP does not vouch for the address: never link it
  // (anyone could put someone else's address in their IdP profile), nor create a twin.
  if (!user && byEmail) throw new SsoRefused('unverified_email');
  if (user) {
    // The account already answers to another subject of this IdP: the address was given to
    // someone else there. Refuse rather than hand over the account.
    const other = await tx.query.userIdentities.findFirst({
      where: and(eq(userIdentities.userId, user.id), eq(userIdentities.issuer, issuer), ne(userIdentities.subject, subject)),
    });
    if (other) throw new SsoRefused('conflict');
  } else {
    if (settings.unknownUsers === 'refuse') throw new SsoRefused('unknown_user');
    if (!who.email || !who.verified) throw new SsoRefused('unverified_email');
    [user] = await tx
      .insert(users)
      .values({ email: who.email, name: who.name ?? who.email, passwordHash: DISABLED_PASSWORD, roles: ['requester'] })
      .returning();
    await recordAudit(
      {
        actor: { kind: 'system' },
        action: 'user.created_by_sso',
        entityType: 'user',
        entityId: user!.id,
        after: { email: who.email, issuer },
      },
      tx,
    );
  }
  await tx.insert(userIdentities).values({ userId: user!.id, issuer, subject });
  await recordAudit(
    {
      actor: { kind: 'system' },
      action: 'user.identity_linked',
      entityType: 'user',
      entityId: user!.id,
      after: { issuer, subject, by: byExternalId ? 'externalId' : 'verified e-mail' },
    },
    tx,
  );
  return user!;
}

/** The manager claim names the manager by e-mail, IdP subject or SCIM externalId; empty = none. */
async function applyManager(tx: Tx, user: User, value: unknown, issuer: string): Promise<void> {
  const key = str(value, 320);
  let managerId: string | null = null;
  if (key) {
    const [m] = await tx
      .select({ id: users.id })
      .from(users)
      .leftJoin(userIdentities, and(eq(userIdentities.userId, users.id), eq(userIdentities.issuer, issuer)))
      .where(
        and(
          or(eq(users.email, key.toLowerCase()), eq(users.externalId, key), eq(userIdentities.subject, key)),
          ne(users.id, user.id),
          isNull(users.deprovisionedAt),
        ),
      )
      .limit(1);
    if (!m) return; // not (yet) known here: keep what is set rather than guess
    managerId = m.id;
  }
  if (managerId === user.managerId) return;
  await tx.update(users).set({ managerId }).where(eq(users.id, user.id));
  await recordAudit(
    {
      actor: { kind: 'system' },
      action: 'user.manager_set_by_idp',
      entityType: 'user',
      entityId: user.id,
      before: { managerId: user.managerId },
      after: { managerId },
    },
    tx,
  );
}
