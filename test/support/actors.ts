import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';

/** A seeded demo account as the services see it. */
export async function actor(email: string): Promise<Actor> {
  const u = await getDb().query.users.findFirst({ where: eq(users.email, email) });
  if (!u) throw new Error(`No seeded user ${email}`);
  return { id: u.id, email: u.email, name: u.name, roles: u.roles };
}
