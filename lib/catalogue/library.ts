import { asc, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { products, releases } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';

export interface LibraryRow {
  slug: string;
  name: string;
  publisher: string;
  category: string;
  visibility: 'everyone' | 'groups';
  archived: boolean;
  seatLimit: number | null;
  counts: { draft: number; published: number; deprecated: number; withdrawn: number };
}

/** Every product in the DML with its releases counted by state: the librarian's overview. */
export async function listLibrary(actor: Actor): Promise<LibraryRow[]> {
  assertRole(actor, 'librarian', 'admin');
  const n = (status: string) => sql<number>`count(${releases.id}) filter (where ${releases.status} = ${status})`.mapWith(Number);
  const rows = await getDb()
    .select({
      slug: products.slug,
      name: products.name,
      publisher: products.publisher,
      category: products.category,
      visibility: products.visibility,
      archived: products.archived,
      seatLimit: products.seatLimit,
      draft: n('draft'),
      published: n('published'),
      deprecated: n('deprecated'),
      withdrawn: n('withdrawn'),
    })
    .from(products)
    .leftJoin(releases, eq(releases.productId, products.id))
    .groupBy(products.id)
    .orderBy(asc(products.name));
  return rows.map(({ draft, published, deprecated, withdrawn, ...p }) => ({ ...p, counts: { draft, published, deprecated, withdrawn } }));
}
