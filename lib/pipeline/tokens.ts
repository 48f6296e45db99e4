import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import { apiTokenProducts, apiTokens, products, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import type { DmlPrincipal } from '@/lib/dml/principal';
import { NotFoundError, UnauthorizedError, ValidationError } from '@/lib/errors';
import { createTokenInput, parseInput, TOKEN_PREFIX, tokenSecretPattern, type CreateTokenInput } from './schema';

export interface ApiTokenView {
  id: string;
  name: string;
  /** The secret's first characters, enough to tell tokens apart; never enough to use one. */
  prefix: string;
  products: { id: string; slug: string; name: string }[];
  createdBy: { id: string; name: string };
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  state: 'active' | 'expired' | 'revoked';
}

/** Shared with supplier credentials (lib/suppliers/credentials.ts): one token mechanism, two scopes. */
export const PREFIX_LENGTH = TOKEN_PREFIX.length + 8;
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

// One message for every way a token can fail, so a caller learns nothing about which tokens exist.
const UNAUTHORIZED = 'A valid pipeline token is required: send "Authorization: Bearer <token>".';

export function stateOf(t: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): ApiTokenView['state'] {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && t.expiresAt <= now) return 'expired';
  return 'active';
}

async function loadViews(where?: SQL): Promise<ApiTokenView[]> {
  const db = getDb();
  const rows = await db
    .select({ token: apiTokens, creatorName: users.name })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.createdById))
    .where(where)
    .orderBy(desc(apiTokens.createdAt), asc(apiTokens.name));
  if (rows.length === 0) return [];
  const scopes = await db
    .select({ tokenId: apiTokenProducts.tokenId, id: products.id, slug: products.slug, name: products.name })
    .from(apiTokenProducts)
    .innerJoin(products, eq(products.id, apiTokenProducts.productId))
    .where(
      inArray(
        apiTokenProducts.tokenId,
        rows.map((r) => r.token.id),
      ),
    )
    .orderBy(asc(products.name));
  return rows.map(({ token: t, creatorName }) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    products: scopes.filter((s) => s.tokenId === t.id).map(({ id, slug, name }) => ({ id, slug, name })),
    createdBy: { id: t.createdById, name: creatorName },
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
    state: stateOf(t),
  }));
}

/**
 * A new pipeline token scoped to some products. The secret is returned here and only here: the
 * database keeps its SHA-256 (a random 256-bit secret needs no slow hash) and a display prefix.
 */
export async function createApiToken(actor: Actor, input: CreateTokenInput): Promise<{ token: ApiTokenView; secret: string }> {
  assertRole(actor, 'librarian', 'admin');
  const data = parseInput(createTokenInput, input);
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = await getDb().transaction(async (tx) => {
    const found = await tx.select({ id: products.id, slug: products.slug }).from(products).where(inArray(products.id, data.productIds));
    if (found.length !== data.productIds.length) throw new ValidationError('Choose products from the list.', 'productIds');
    const [row] = await tx
      .insert(apiTokens)
      .values({
        name: data.name,
        tokenHash: hashSecret(secret),
        prefix: secret.slice(0, PREFIX_LENGTH),
        createdById: actor.id,
        expiresAt: data.expiresAt,
      })
      .returning();
    await tx.insert(apiTokenProducts).values(data.productIds.map((productId) => ({ tokenId: row!.id, productId })));
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'api_token.created',
        entityType: 'api_token',
        entityId: row!.id,
        after: { name: row!.name, prefix: row!.prefix, products: found.map((p) => p.slug).sort(), expiresAt: row!.expiresAt },
      },
      tx,
    );
    return row!.id;
  });
  const [token] = await loadViews(eq(apiTokens.id, id));
  return { token: token!, secret };
}

/** Every pipeline token, newest first, without hashes (librarians and admins). */
export async function listApiTokens(actor: Actor): Promise<ApiTokenView[]> {
  assertRole(actor, 'librarian', 'admin');
  return loadViews(isNull(apiTokens.supplierId));
}

/** The products a token can be scoped to, for the creation form. */
export async function listTokenProductChoices(actor: Actor): Promise<{ id: string; slug: string; name: string }[]> {
  assertRole(actor, 'librarian', 'admin');
  return getDb().select({ id: products.id, slug: products.slug, name: products.name }).from(products).orderBy(asc(products.name));
}

/** Revokes a token at once. Revoking a revoked token changes nothing (and audits nothing). */
export async function revokeApiToken(actor: Actor, id: string): Promise<ApiTokenView> {
  assertRole(actor, 'librarian', 'admin');
  if (!z.uuid().safeParse(id).success) throw new NotFoundError('No such token.', 'token');
  await getDb().transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.supplierId)))
      .for('update');
    if (!before) throw new NotFoundError('No such token.', 'token');
    if (before.revokedAt) return;
    const [after] = await tx.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id)).returning();
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'api_token.revoked',
        entityType: 'api_token',
        entityId: id,
        before: { name: before.name, prefix: before.prefix, revokedAt: null },
        after: { name: after!.name, prefix: after!.prefix, revokedAt: after!.revokedAt },
      },
      tx,
    );
  });
  const [token] = await loadViews(eq(apiTokens.id, id));
  return token!;
}

/**
 * The principal behind an `Authorization: Bearer ppt_…` header. The lookup is by the secret's
 * hash, so timing reveals nothing about stored secrets; one conditional UPDATE both checks that the
 * token is live (not revoked, not expired) and records its use.
 */
export async function authenticatePipelineToken(authorization: string | null | undefined): Promise<DmlPrincipal> {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!secret || !tokenSecretPattern.test(secret)) throw new UnauthorizedError(UNAUTHORIZED);
  const now = new Date();
  const [token] = await getDb()
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiTokens.tokenHash, hashSecret(secret)),
        isNull(apiTokens.revokedAt),
        isNull(apiTokens.supplierId), // a supplier's credential never publishes into the DML
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        // A token acts for the librarian who made it: it stops working when they leave or lose the role.
        sql`exists (select 1 from ${users} where ${users.id} = ${apiTokens.createdById} and ${users.active}
              and ${users.roles} && array['librarian', 'admin']::role[])`,
      ),
    )
    .returning({ id: apiTokens.id, name: apiTokens.name });
  if (!token) throw new UnauthorizedError(UNAUTHORIZED);
  return { kind: 'pipeline', tokenId: token.id, tokenName: token.name };
}
