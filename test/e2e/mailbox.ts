import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startMailbox } from '../support/mail';
import { mailDir, smtpPort } from './mail';

/**
 * The app under test sends its mail to a real SMTP server on this machine (SMTP_URL in
 * playwright.config.ts); each message is written to a file, so specs read the mail a person
 * would get (test/e2e/mail.ts).
 */
export default async function startTestMailbox() {
  mkdirSync(mailDir, { recursive: true });
  let n = 0;
  const mailbox = startMailbox(smtpPort, (mail) => writeFileSync(path.join(mailDir, `${Date.now()}-${n++}.json`), JSON.stringify(mail)));
  await mailbox.listen();
  return () => mailbox.close();
}
