import { z } from 'zod';
import { AppError, asInputError, ConflictError, isContention } from '@/lib/errors';
import { currentRequestId } from '@/lib/ops/request-id';

/** What a server action hands back to its form: a message, or messages per field. */
export interface ActionState {
  error?: string;
  success?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** The request's id (X-Request-Id), so a reported error can be found in the logs. */
  requestId?: string;
}

/** One problem is named in the summary itself; several are listed beside their fields. */
export function fromZodError(error: z.ZodError): ActionState {
  const summary = error.issues.length === 1 ? error.issues[0]!.message : 'Please correct the fields marked below.';
  return { error: summary, fieldErrors: z.flattenError(error).fieldErrors as Record<string, string[]> };
}

/**
 * Maps a service error to form state. Only typed, user-facing errors are shown; anything else is
 * rethrown so the error boundary handles it (and nothing internal reaches the page).
 */
export function fromServiceError(caught: unknown): ActionState {
  const e = isContention(caught) ? new ConflictError('Someone else is changing this right now; try again.') : asInputError(caught);
  if (e instanceof AppError) {
    return { error: e.message, fieldErrors: e.field ? { [e.field]: [e.message] } : undefined, requestId: currentRequestId() };
  }
  throw e;
}
