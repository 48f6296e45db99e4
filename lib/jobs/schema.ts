import { z } from 'zod';
import { text } from '@/lib/text';

/** An admin asks for one failed job to run again. */
export const retryJobInput = z.object({
  name: text().min(1, 'Name the job queue.').max(100, 'A job queue name is at most 100 characters.'),
  // Not z.uuid(): an id that cannot name a job is "not found" (assertId), like everywhere else.
  id: text().max(100),
});
export type RetryJobInput = z.infer<typeof retryJobInput>;
