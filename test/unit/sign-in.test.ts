import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signInAttempts, users } from '@/db/schema';
import { DEMO_PASSWORD } from '@/db/seed';
import { signInInput } from '@/lib/auth/schema';
import { verifyCredentials } from '@/lib/auth/sign-in';
import { env } from '@/lib/env';
import { TooManyRequestsError, UnauthorizedError } from '@/lib/errors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const creds = (email: string, password: string) => signInInput.parse({ email, password });

describe(`sign-in (${engine})`, () => {
  it('signs in a demo account case-insensitively and returns its roles', async () => {
    const a = await verifyCredentials(creds('  Admin@Example.com ', DEMO_PASSWORD), '10.0.0.1');
    expect(a.email).toBe('admin@example.com');
    expect(a.roles).toContain('admin');
  });

  it('gives the same message for a wrong password, an unknown account and a disabled account', async () => {
    const wrong = verifyCredentials(creds('bob@example.com', 'not-it'), '10.0.0.2');
    await expect(wrong).rejects.toBeInstanceOf(UnauthorizedError);
    const unknown = verifyCredentials(creds('nobody@example.com', DEMO_PASSWORD), '10.0.0.2');
    await expect(unknown).rejects.toThrow('That email and password do not match an active account.');
    await db().update(users).set({ active: false }).where(eq(users.email, 'fiona@example.com'));
    await expect(verifyCredentials(creds('fiona@example.com', DEMO_PASSWORD), '10.0.0.2')).rejects.toThrow(
      'That email and password do not match an active account.',
    );
    await db().update(users).set({ active: true }).where(eq(users.email, 'fiona@example.com'));
  });

  it('locks an account after repeated failures, even for the right password, and says when to retry', async () => {
    for (let i = 0; i < env.SIGNIN_MAX_FAILURES_PER_ACCOUNT; i++) {
      // A different address each time: the per-account limit must hold on its own.
      await expect(verifyCredentials(creds('sec1@example.com', `guess-${i}`), `10.1.0.${i}`)).rejects.toBeInstanceOf(UnauthorizedError);
    }
    const locked = verifyCredentials(creds('sec1@example.com', DEMO_PASSWORD), '10.1.1.1');
    await expect(locked).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(locked).rejects.toThrow(/Too many failed sign-ins\. Try again in \d+ minutes?\./);
    // While locked, attempts are not even recorded, so guessing cannot extend the lock forever.
    const [{ n }] = (await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(signInAttempts)
      .where(eq(signInAttempts.email, 'sec1@example.com'))) as [{ n: number }];
    expect(n).toBe(env.SIGNIN_MAX_FAILURES_PER_ACCOUNT);
    // Another account is unaffected.
    await expect(verifyCredentials(creds('sec2@example.com', DEMO_PASSWORD), '10.1.1.1')).resolves.toMatchObject({
      email: 'sec2@example.com',
    });
  });

  it('the lock lifts once the failures leave the window', async () => {
    await db()
      .update(signInAttempts)
      .set({ at: sql`${signInAttempts.at} - make_interval(mins => ${env.SIGNIN_WINDOW_MINUTES + 1})` })
      .where(eq(signInAttempts.email, 'sec1@example.com'));
    await expect(verifyCredentials(creds('sec1@example.com', DEMO_PASSWORD), '10.1.1.1')).resolves.toMatchObject({
      email: 'sec1@example.com',
    });
  });

  it('limits one address guessing across many accounts', async () => {
    const address = '203.0.113.9';
    for (let i = 0; i < env.SIGNIN_MAX_FAILURES_PER_ADDRESS; i++) {
      await expect(verifyCredentials(creds(`user${i}@example.com`, 'x'), address)).rejects.toBeInstanceOf(UnauthorizedError);
    }
    await expect(verifyCredentials(creds('ops1@example.com', DEMO_PASSWORD), address)).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(verifyCredentials(creds('ops1@example.com', DEMO_PASSWORD), '198.51.100.1')).resolves.toMatchObject({
      email: 'ops1@example.com',
    });
  });

  it('checks exactly the allowance of a parallel burst of wrong passwords on one account', async () => {
    const burst = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => verifyCredentials(creds('ops2@example.com', `burst-${i}`), `10.9.0.${i}`)),
    );
    const refusedAsWrong = burst.filter((r) => r.status === 'rejected' && r.reason instanceof UnauthorizedError);
    const limited = burst.filter((r) => r.status === 'rejected' && r.reason instanceof TooManyRequestsError);
    expect(refusedAsWrong).toHaveLength(env.SIGNIN_MAX_FAILURES_PER_ACCOUNT);
    expect(limited).toHaveLength(25 - env.SIGNIN_MAX_FAILURES_PER_ACCOUNT);
    expect(await db().$count(signInAttempts, eq(signInAttempts.email, 'ops2@example.com'))).toBe(env.SIGNIN_MAX_FAILURES_PER_ACCOUNT);
  });

  it('signing in to one’s own account does not reset the count of an address guessing at others', async () => {
    const address = '203.0.113.77';
    for (let i = 0; i < env.SIGNIN_MAX_FAILURES_PER_ADDRESS - 1; i++) {
      await expect(verifyCredentials(creds(`victim${i}@example.com`, 'x'), address)).rejects.toBeInstanceOf(UnauthorizedError);
    }
    await expect(verifyCredentials(creds('alice@example.com', DEMO_PASSWORD), address)).resolves.toMatchObject({
      email: 'alice@example.com',
    });
    await expect(verifyCredentials(creds('victim-last@example.com', 'x'), address)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(verifyCredentials(creds('victim-more@example.com', 'x'), address)).rejects.toBeInstanceOf(TooManyRequestsError);
  });

  it('rejects empty, malformed and overlong input with a message for the field at fault', () => {
    const issues = (input: unknown) => signInInput.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ email: '', password: '' })).toEqual(['email: Enter your email address.', 'password: Enter your password.']);
    expect(issues({ email: 'not-an-email', password: 'x' })).toEqual(['email: Enter a valid email address, like name@example.com.']);
    expect(issues({ email: `${'a'.repeat(250)}@example.com`, password: 'x' })).toEqual([
      'email: An email address is at most 254 characters.',
    ]);
    expect(issues({ email: 'a@example.com', password: 'p'.repeat(257) })).toEqual(['password: A password is at most 256 characters.']);
    expect(issues({})).toEqual(['email: Enter your email address.', 'password: Enter your password.']);
  });
});
