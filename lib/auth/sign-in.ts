import { and, count, eq, gt, min, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { signInAttempts, users } from '@/db/schema';
import { env } from '@/lib/env';
import { TooManyRequestsError, UnauthorizedError } from '@/lib/errors';
import { burnVerifyTime, verifyPassword } from './password';
import type { Actor } from './roles';
import type { SignInInput } from './schema';

const windowMs = () => env.SIGNIN_WINDOW_MINUTES * 60_000;

/** Failures since the start of the window and since the key's last success. */
async function recentFailures(column: typeof signInAttempts.email | typeof signInAttempts.address, key: string) {
  const since = new Date(Date.now() - windowMs());
  const lastSuccess = getDb()
    .select({ at: sql`coalesce(max(${signInAttempts.at}), 'epoch'::timestamptz)` })
    .from(signInAttempts)
    .where(and(eq(column, key), eq(signInAttempts.succeeded, true)));
  const [row] = await getDb()
    .select({ n: count(), oldest: min(signInAttempts.at) })
    .from(signInAttempts)
    .where(
      and(eq(column, key), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since), gt(signInAttempts.at, sql`(${lastSuccess})`)),
    );
  return { n: row?.n ?? 0, oldest: row?.oldest ?? null };
}

function retryAfter(oldest: Date | null): number {
  const until = (oldest?.getTime() ?? Date.now()) + windowMs();
  return Math.max(1, Math.ceil((until - Date.now()) / 1000));
}

/**
 * Checks an email and password. Failed attempts are limited per account and per client address
 * within a sliding window; while limited, no password is even checked.
 */
export async function verifyCredentials(input: SignInInput, address: string): Promise<Actor> {
  const [byAccount, byAddress] = await Promise.all([
    recentFailures(signInAttempts.email, input.email),
    recentFailures(signInAttempts.address, address),
  ]);
  if (byAccount.n >= env.SIGNIN_MAX_FAILURES_PER_ACCOUNT || byAddress.n >= env.SIGNIN_MAX_FAILURES_PER_ADDRESS) {
    const oldest = byAccount.n >= env.SIGNIN_MAX_FAILURES_PER_ACCOUNT ? byAccount.oldest : byAddress.oldest;
    const seconds = retryAfter(oldest);
    throw new TooManyRequestsError(
      `Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}.`,
      seconds,
    );
  }

  const user = await getDb().query.users.findFirst({ where: eq(users.email, input.email) });
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : (await burnVerifyTime(input.password), false);
  const succeeded = ok && !!user?.active;
  await getDb().insert(signInAttempts).values({ email: input.email, address, succeeded });
  if (!user || !succeeded) {
    // One message for unknown account, wrong password and disabled account: no account probing.
    throw new UnauthorizedError('That email and password do not match an active account.');
  }
  return { id: user.id, email: user.email, name: user.name, roles: user.roles };
}
