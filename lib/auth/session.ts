import 'server-only';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { loadSessionActor } from './sessions';
import { auth } from './auth';
import { areaFor, mayEnter } from './areas';
import type { Actor } from './roles';

/** The signed-in user (see loadSessionActor), looked up once per request. */
export const currentActor = cache(async (): Promise<Actor | null> => loadSessionActor((await auth())?.user?.sid));

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
