import nodemailer, { type Transporter } from 'nodemailer';
import { env } from '@/lib/env';

let transporter: Transporter | undefined;

export const mailConfigured = () => Boolean(env.SMTP_URL);

/**
 * Sends one e-mail through SMTP when SMTP_URL is configured. Never throws: a mail server that is
 * down or refuses the message is logged, and the caller's workflow carries on regardless.
 */
export async function sendMail(message: { to: string; subject: string; text: string }): Promise<boolean> {
  if (!env.SMTP_URL) return false;
  // Short timeouts: an unreachable server is reported in seconds, not minutes.
  transporter ??= nodemailer.createTransport(env.SMTP_URL, { connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000 });
  try {
    await transporter.sendMail({ from: env.MAIL_FROM, ...message });
    return true;
  } catch (e) {
    console.error(`E-mail to ${message.to} not sent: ${(e as Error).message}`);
    return false;
  }
}
