import { z } from 'zod';
import { AppError } from '@/lib/errors';

/** JSON error body for the HTTP APIs: a message and the field at fault, never a stack trace. */
export function errorResponse(e: unknown): Response {
  if (e instanceof AppError) return Response.json({ error: e.message, field: e.field }, { status: e.status });
  if (e instanceof z.ZodError) {
    const issue = e.issues[0];
    const field = issue?.path.join('.') || undefined;
    return Response.json({ error: issue?.message ?? 'Invalid input.', field, fields: z.flattenError(e).fieldErrors }, { status: 422 });
  }
  console.error(e);
  return Response.json({ error: 'Internal error' }, { status: 500 });
}
