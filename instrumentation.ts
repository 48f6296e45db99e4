/** Runs once when the server starts (Node.js runtime only: the checks need the file system). */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { checkStartup } = await import('./lib/startup');
    await checkStartup();
  }
}
