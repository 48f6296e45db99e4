import { asc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { groups, products } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';

/** Groups and existing categories to choose from when editing a product. */
export async function listProductFormChoices(actor: Actor): Promise<{ groups: { id: string; name: string }[]; categories: string[] }> {
  assertRole(actor, 'librarian', 'admin');
  const db = getDb();
  const [groupRows, categoryRows] = await Promise.all([
    db.select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.archived, false)).orderBy(asc(groups.name)),
    db.selectDistinct({ category: products.category }).from(products).orderBy(asc(products.category)),
  ]);
  return { groups: groupRows, categories: categoryRows.map((c) => c.category) };
}
