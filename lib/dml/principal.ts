import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { apiTokenProducts } from '@/db/schema';
import type { AuditActor } from '@/lib/audit/service';
import { hasRole, type Actor } from '@/lib/auth/roles';
import { ForbiddenError } from '@/lib/errors';

/** Who may change the DML: a signed-in librarian or admin, or a pipeline token scoped to products. */
export type DmlPrincipal = { kind: 'user'; actor: Actor } | { kind: 'pipeline'; tokenId: string; tokenName: string };

export function auditActorOf(p: DmlPrincipal): AuditActor {
  return p.kind === 'user' ? { kind: 'user', id: p.actor.id } : { kind: 'pipeline', id: p.tokenId };
}

export function userIdOf(p: DmlPrincipal): string | null {
  return p.kind === 'user' ? p.actor.id : null;
}

/**
 * For people, the role decides before anything is looked up: a requester gets the same 403 for
 * a release that exists and one that does not, so ids cannot be probed. Tokens are checked per
 * product (assertMayManageProduct) once the item is found.
 */
export function assertMayUseLibrary(p: DmlPrincipal): void {
  if (p.kind === 'user' && !hasRole(p.actor, 'librarian', 'admin'))
    throw new ForbiddenError('Only librarians and admins can change the media library.');
}

/** Throws unless the principal may change this product's releases. */
export async function assertMayManageProduct(p: DmlPrincipal, productId: string, tx: DbOrTx): Promise<void> {
  if (p.kind === 'user') {
    if (!hasRole(p.actor, 'librarian', 'admin')) throw new ForbiddenError('Only librarians and admins can change the media library.');
    return;
  }
  const scoped = await tx
    .select({ productId: apiTokenProducts.productId })
    .from(apiTokenProducts)
    .where(and(eq(apiTokenProducts.tokenId, p.tokenId), eq(apiTokenProducts.productId, productId)))
    .limit(1);
  if (scoped.length === 0) throw new ForbiddenError('This token is not allowed to publish this product.');
}
