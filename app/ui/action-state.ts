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
 * Like fromZodError, but errors inside lists are also keyed by their full path (phases.1.percent),
 * so each row of a repeating field group (a deployment's or ring template's phases) shows its own.
 */
export function fromZodErrorByPath(error: z.ZodError): ActionState {
  const state = fromZodError(error);
  const fieldErrors: Record<string, string[]> = { ...(state.fieldErrors as Record<string, string[]>) };
  for (const issue of error.issues) if (issue.path.length > 1) (fieldErrors[issue.path.join('.')] ??= []).push(issue.message);
  return { ...state, fieldErrors };
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
