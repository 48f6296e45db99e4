import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import type { Actor } from './roles';

/**
 * The account behind a session, read fresh from the database: a disabled account or a changed
 * role takes effect at once, whatever the session token still says.
 */
export async function loadActiveActor(userId: string | undefined): Promise<Actor | null> {
  if (!userId) return null;
  const user = await getDb().query.users.findFirst({ where: eq(users.id, userId) });
  if (!user || !user.active) return null;
  return { id: user.id, email: user.email, name: user.name, roles: user.roles };
}
