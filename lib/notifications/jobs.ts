import { defineJob } from '@/lib/jobs/registry';
import { sendMail, type MailMessage } from './mail';

/**
 * One e-mail to one recipient, enqueued by notify() in the transaction that made the
 * notification. A mail server that is down is retried with backoff (about 30 s, 1, 2, 4, 8
 * minutes, …, over roughly four hours) before the job is kept as failed under /admin/jobs.
 */
export const sendMailJob = defineJob<MailMessage>('mail.send', (message) => sendMail(message), {
  retryLimit: 8,
  retryDelaySeconds: 30,
  expireInSeconds: 120,
});
