import { and, count, eq, gt, min, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { signInAttempts, users } from '@/db/schema';
import { env } from '@/lib/env';
import { recordAudit } from '@/lib/audit/service';
import { TooManyRequestsError, UnauthorizedError } from '@/lib/errors';
import { localSignInEnabled } from '@/lib/sso/settings';
import { burnVerifyTime, verifyPassword } from './password';
import type { Actor } from './roles';
import type { SignInInput } from './schema';

const windowMs = () => env.SIGNIN_WINDOW_MINUTES * 60_000;

/**
 * Failures of an account since the start of the window and since its last success (the owner
 * proved they know the password), or of an address in the window — a success does not reset an
 * address, or signing in to one's own account would wipe the count of guesses at others'.
 */
async function recentFailures(tx: Tx, key: { email: string } | { address: string }) {
  const since = new Date(Date.now() - windowMs());
  const column = 'email' in key ? signInAttempts.email : signInAttempts.address;
  const value = 'email' in key ? key.email : key.address;
  const afterLastSuccess =
    'email' in key
      ? gt(
          signInAttempts.at,
          sql`(select coalesce(max(${signInAttempts.at}), 'epoch'::timestamptz) from ${signInAttempts}
               where ${signInAttempts.email} = ${value} and ${signInAttempts.succeeded})`,
        )
      : undefined;
  const [row] = await tx
    .select({ n: count(), oldest: min(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(eq(column, value), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since), afterLastSuccess));
  return { n: row?.n ?? 0, oldest: row?.oldest ?? null };
}

function retryAfter(oldest: Date | null): number {
  const until = (oldest?.getTime() ?? Date.now()) + windowMs();
  return Math.max(1, Math.ceil((until - Date.now()) / 1000));
}

/**
 * Takes one attempt from the account's and the address's allowance, atomically: under a lock per
 * account and per address (always taken in that order), the failures are counted and, if there is
 * room, the attempt is recorded as a failure before any password is checked. Of a burst of
 * parallel guesses, exactly the allowance gets a password check; the rest are refused unrecorded.
 */
async function reserveAttempt(email: string, address: string): Promise<number> {
  return getDb().transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sign-in:account:${email}`}))`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sign-in:address:${address}`}))`);
    const [byAccount, byAddress] = [await recentFailures(tx, { email }), await recentFailures(tx, { address })];
    const accountFull = byAccount.n >= env.SIGNIN_MAX_FAILURES_PER_ACCOUNT;
    if (accountFull || byAddress.n >= env.SIGNIN_MAX_FAILURES_PER_ADDRESS) {
      const seconds = retryAfter(accountFull ? byAccount.oldest : byAddress.oldest);
      throw new TooManyRequestsError(
        `Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}.`,
        seconds,
      );
    }
    const [row] = await tx.insert(signInAttempts).values({ email, address, succeeded: false }).returning({ id: signInAttempts.id });
    return row!.id;
  });
}

/**
 * Checks an email and password. Failed attempts are limited per account and per client address
 * within a sliding window; while limited, no password is even checked. With LOCAL_SIGN_IN=off only
 * administrators get in this way (break-glass, when single sign-on is down), and each such
 * sign-in is audited.
 */
export async function verifyCredentials(input: SignInInput, address: string): Promise<Actor> {
  const attemptId = await reserveAttempt(input.email, address);
  const user = await getDb().query.users.findFirst({ where: eq(users.email, input.email) });
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : (await burnVerifyTime(input.password), false);
  if (!user || !ok || !user.active) {
    // One message for unknown account, wrong password and disabled account: no account probing.
    throw new UnauthorizedError('That email and password do not match an active account.');
  }
  const breakGlass = !localSignInEnabled();
  if (breakGlass && !user.roles.includes('admin')) {
    throw new UnauthorizedError('Password sign-in is switched off. Use single sign-on.');
  }
  await getDb().update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, attemptId));
  if (breakGlass) {
    await recordAudit({
      actor: { kind: 'user', id: user.id },
      action: 'auth.break_glass_sign_in',
      entityType: 'user',
      entityId: user.id,
      after: { address },
    });
  }
  return { id: user.id, email: user.email, name: user.name, roles: user.roles };
}
