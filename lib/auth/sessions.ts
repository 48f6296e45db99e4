import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { userSessions, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertId } from '@/lib/errors';
import { assertRole, type Actor } from './roles';
import { SESSION_SECONDS } from './session-length';

/** Opens a session row at sign-in; its id goes into the session cookie. */
export async function openSession(userId: string): Promise<string> {
  const [row] = await getDb()
    .insert(userSessions)
    .values({ userId, expiresAt: new Date(Date.now() + SESSION_SECONDS * 1000) })
    .returning({ id: userSessions.id });
  return row!.id;
}

/**
 * The account behind a session cookie, read fresh from the database on every request in one
 * query: a signed-out or revoked session, an expired one, or a disabled account gives null, and
 * the roles are today's, not those of the day the cookie was made.
 */
export async function loadSessionActor(sessionId: string | undefined): Promise<Actor | null> {
  if (!sessionId || !/^[0-9a-f-]{36}$/i.test(sessionId)) return null;
  const [row] = await getDb()
    .select({ id: users.id, email: users.email, name: users.name, roles: users.roles })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, sql`now()`), eq(users.active, true)),
    );
  return row ?? null;
}

/** Signing out ends this session only; the cookie, if kept, opens nothing. */
export async function endSession(sessionId: string | undefined): Promise<void> {
  if (!sessionId || !/^[0-9a-f-]{36}$/i.test(sessionId)) return;
  await getDb()
    .update(userSessions)
    .set({ revokedAt: sql`now()`, revokedReason: 'Signed out' })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
}

/** Ends every open session of a user (inside the caller's transaction when given). */
export async function revokeAllSessions(userId: string, reason: string, tx: DbOrTx = getDb()): Promise<number> {
  const ended = await tx
    .update(userSessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return ended.length;
}

/** "Sign out everywhere": an administrator ends all of someone's sessions, or a person all of their own. */
export async function signOutEverywhere(actor: Actor, userId: string): Promise<number> {
  if (userId !== actor.id) assertRole(actor, 'admin');
  assertId(userId, 'No such user.', 'userId');
  return getDb().transaction(async (tx) => {
    const n = await revokeAllSessions(
      userId,
      userId === actor.id ? 'Signed out everywhere' : 'Signed out everywhere by an administrator',
      tx,
    );
    await recordAudit(
      {
        actor: { kind: 'user', id: actor.id },
        action: 'user.sessions_revoked',
        entityType: 'user',
        entityId: userId,
        after: { sessions: n },
      },
      tx,
    );
    return n;
  });
}
