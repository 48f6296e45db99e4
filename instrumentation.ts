/** Runs once when the server starts: refuse to start without the configuration production needs. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { authSecret } = await import('@/lib/env');
  try {
    authSecret();
  } catch (e) {
    console.error(`\nThe portal cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
