import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs `main` when `moduleUrl` is the script node was started with, printing a failure as one
 * readable message (no stack trace for a known condition such as a locked database).
 */
export function runIfMain(moduleUrl: string, main: () => Promise<void>): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== path.resolve(process.argv[1])) return;
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? `Error: ${e.message}` : e);
    process.exit(1);
  });
}
