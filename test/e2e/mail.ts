import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ReceivedMail } from '../support/mail';

// Derived from the run's port (playwright.config.ts sets E2E_PORT before any worker starts).
export const smtpPort = Number(process.env.E2E_PORT) + 20000;
export const mailDir = path.resolve(`test-results/e2e-${process.env.E2E_PORT}/mail`);

/** Every mail the app under test has sent so far, oldest first. */
export function sentMail(): ReceivedMail[] {
  let files: string[] = [];
  try {
    files = readdirSync(mailDir).sort();
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(path.join(mailDir, f), 'utf8')) as ReceivedMail);
}
