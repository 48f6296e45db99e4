import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { apiTokens, suppliers, users } from '@/db/schema';
import { parseInput } from '@/lib/pipeline/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { assertId, NotFoundError, UnauthorizedError } from '@/lib/errors';
import { hashSecret, stateOf } from '@/lib/pipeline/tokens';
import { credentialInput, type CredentialInput } from './schema';
import type { SupplierPrincipal } from './scope';

/*
 * A supplier's API credential is an api_tokens row with supplier_id set: the pipeline tokens'
 * mechanism (random secret shown once, SHA-256 stored, prefix for display, expiry, revocation),
 * with its own prefix so neither kind is accepted where the other is expected.
 */
export const SUPPLIER_TOKEN_PREFIX = 'pst_';
const secretPattern = /^pst_[A-Za-z0-9_-]{43}$/;
const UNAUTHORIZED = 'A valid supplier credential is required: send "Authorization: Bearer pst_…".';

export interface CredentialView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  state: 'active' | 'expired' | 'revoked';
}

const view = (t: typeof apiTokens.$inferSelect): CredentialView => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  lastUsedAt: t.lastUsedAt,
  state: stateOf(t),
});

/** A new credential for a supplier (admins). Credentials always expire: a supplier's contract does. */
export async function createSupplierCredential(
  actor: Actor,
  supplierId: string,
  input: CredentialInput,
): Promise<{ credential: CredentialView; secret: string }> {
  assertRole(actor, 'admin');
  assertId(supplierId, 'No such supplier.', 'supplierId');
  const data = parseInput(credentialInput, input);
  const secret = SUPPLIER_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return getDb().transaction(async (tx) => {
    const supplier = await tx.query.suppliers.findFirst({ where: eq(suppliers.id, supplierId) });
    if (!supplier) throw new NotFoundError('No such supplier.', 'supplierId');
    const [row] = await tx
      .insert(apiTokens)
      .values({
        name: data.name,
        tokenHash: hashSecret(secret),
        prefix: secret.slice(0, SUPPLIER_TOKEN_PREFIX.length + 8),
        createdById: actor.id,
        expiresAt: data.expiresAt,
        supplierId,
      })
      .returning();
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'supplier_credential.created',
        entityType: 'supplier',
        entityId: supplierId,
        after: { credentialId: row!.id, name: row!.name, prefix: row!.prefix, expiresAt: row!.expiresAt },
      },
      tx,
    );
    return { credential: view(row!), secret };
  });
}

export async function listSupplierCredentials(actor: Actor, supplierId: string): Promise<CredentialView[]> {
  assertRole(actor, 'admin');
  assertId(supplierId, 'No such supplier.', 'supplierId');
  const rows = await getDb().select().from(apiTokens).where(eq(apiTokens.supplierId, supplierId)).orderBy(desc(apiTokens.createdAt));
  return rows.map(view);
}

/** Revokes at once; revoking twice changes (and audits) nothing. */
export async function revokeSupplierCredential(actor: Actor, credentialId: string): Promise<void> {
  assertRole(actor, 'admin');
  assertId(credentialId, 'No such credential.', 'credentialId');
  await getDb().transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, credentialId), isNull(apiTokens.revokedAt), sql`${apiTokens.supplierId} is not null`))
      .returning();
    if (!row) {
      const exists = await tx.query.apiTokens.findFirst({ where: eq(apiTokens.id, credentialId) });
      if (!exists?.supplierId) throw new NotFoundError('No such credential.', 'credentialId');
      return;
    }
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'supplier_credential.revoked',
        entityType: 'supplier',
        entityId: row.supplierId!,
        after: { credentialId: row.id, name: row.name, prefix: row.prefix, revokedAt: row.revokedAt },
      },
      tx,
    );
  });
}

/**
 * The supplier behind `Authorization: Bearer pst_…`: one conditional UPDATE checks the credential
 * is live (not revoked, not expired, its supplier active) and records its use.
 */
export async function authenticateSupplier(authorization: string | null | undefined): Promise<SupplierPrincipal> {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!secret || !secretPattern.test(secret)) throw new UnauthorizedError(UNAUTHORIZED);
  const [row] = await getDb()
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiTokens.tokenHash, hashSecret(secret)),
        isNull(apiTokens.revokedAt),
        gt(apiTokens.expiresAt, new Date()),
        sql`exists (select 1 from ${suppliers} where ${suppliers.id} = ${apiTokens.supplierId} and ${suppliers.active})`,
        sql`exists (select 1 from ${users} where ${users.id} = ${apiTokens.createdById} and ${users.active})`,
      ),
    )
    .returning({ id: apiTokens.id, supplierId: apiTokens.supplierId });
  if (!row?.supplierId) throw new UnauthorizedError(UNAUTHORIZED);
  return { supplierId: row.supplierId, tokenId: row.id, userId: null };
}
