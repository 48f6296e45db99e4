import 'server-only';
import { eq } from 'drizzle-orm';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { auth } from './auth';
import { areaFor, mayEnter } from './areas';
import type { Actor } from './roles';

/**
 * The signed-in user, read fresh from the database once per request: a disabled account or a
 * changed role takes effect at once, whatever the session token still says.
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await getDb().query.users.findFirst({ where: eq(users.id, id) });
  if (!user || !user.active) return null;
  return { id: user.id, email: user.email, name: user.name, roles: user.roles };
});

/** For pages: the actor, or a redirect to sign in. */
export async function requireActor(): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect('/sign-in');
  return actor;
}

/** For pages of a gated area: the actor, or the 403 page when their roles do not reach it. */
export async function requireArea(href: string): Promise<Actor> {
  const actor = await requireActor();
  const area = areaFor(href);
  if (!area || !mayEnter(area, actor.roles)) forbidden();
  return actor;
}
