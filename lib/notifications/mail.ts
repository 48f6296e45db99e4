import nodemailer, { type Transporter } from 'nodemailer';
import { env } from '@/lib/env';

let transporter: Transporter | undefined;

export const mailConfigured = () => Boolean(env.SMTP_URL);

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends one e-mail through SMTP_URL. Throws when the server is down or refuses the message: it
 * runs as a job (lib/notifications/jobs.ts), and the queue retries it with backoff.
 */
export async function sendMail(message: MailMessage): Promise<void> {
  if (!env.SMTP_URL) throw new Error('SMTP_URL is not set');
  // Short timeouts: an unreachable server is reported in seconds, not minutes.
  transporter ??= nodemailer.createTransport(env.SMTP_URL, { connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000 });
  await transporter.sendMail({ from: env.MAIL_FROM, ...message });
}
