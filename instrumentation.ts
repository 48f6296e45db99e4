/** Runs once when the server starts: refuse to start without the configuration production needs. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { authSecret } = await import('@/lib/env');
  authSecret(); // Throws with a clear message in production when AUTH_SECRET is missing.
}
