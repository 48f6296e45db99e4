import { z } from 'zod';
import { text } from '@/lib/text';

export const signInInput = z.object({
  email: text({ error: 'Enter your email address.' })
    .trim()
    .min(1, 'Enter your email address.')
    .max(254, 'An email address is at most 254 characters.')
    .pipe(z.email('Enter a valid email address, like name@example.com.'))
    .transform((e) => e.toLowerCase()),
  password: text({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(256, 'A password is at most 256 characters.'),
});
export type SignInInput = z.infer<typeof signInInput>;
