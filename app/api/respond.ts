import { z } from 'zod';
import {
  AppError,
  asInputError,
  ConflictError,
  isContention,
  LineErrors,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from '@/lib/errors';
import { isStorageUnavailable, STORAGE_UNAVAILABLE_MESSAGE } from '@/lib/dml/storage';
import { logger } from '@/lib/ops/logger';
import { currentRequestId } from '@/lib/ops/request-id';
import { fieldOf } from '@/lib/pipeline/schema';

/** A body that is not JSON at all: the client's request is malformed, not its values. */
export class BadRequestError extends AppError {
  override readonly status = 400;
}

const MAX_JSON_BYTES = 64 * 1024;

/** API answers are per-caller and change with every call: never cache them. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

/**
 * Maps any error to a JSON answer: typed errors keep their status, message and field; invalid input
 * is 422 naming every field at fault; anything else is a bare 500 (the details go to the server log,
 * never to the client). Every error body carries the request id (also in the X-Request-Id header),
 * so a user's report can be matched to the log line.
 */
export function errorResponse(caught: unknown): Response {
  const requestId = currentRequestId();
  // Last line of defence: a value the database refused is the caller's input (422), and a
  // collision that outlived its retries is a conflict (409), never a 500.
  if (isStorageUnavailable(caught)) return json({ error: STORAGE_UNAVAILABLE_MESSAGE, requestId }, 503, { 'Retry-After': '30' });
  const e = isContention(caught) ? new ConflictError('Busy with the same item right now; try again.') : asInputError(caught);
  if (e instanceof z.ZodError) {
    const fields: Record<string, string> = {};
    for (const issue of e.issues) fields[fieldOf(issue)] ??= issue.message;
    const first = e.issues[0];
    return json({ error: first?.message ?? 'Invalid input.', field: first ? fieldOf(first) : undefined, fields, requestId }, 422);
  }
  if (e instanceof AppError) {
    // RFC 6750: a 401 names the scheme the client should use.
    const headers: Record<string, string> = e instanceof UnauthorizedError ? { 'WWW-Authenticate': 'Bearer' } : {};
    if (e instanceof TooManyRequestsError) headers['Retry-After'] = String(e.retryAfterSeconds);
    const lines = e instanceof LineErrors ? { lines: e.lines } : {};
    return json({ error: e.message, field: e.field, ...lines, requestId }, e.status, headers);
  }
  logger().error({ err: e, requestId }, 'API request failed');
  return json({ error: 'Internal error', requestId }, 500);
}

/** Runs a handler body and turns whatever it throws into a response. */
export async function respond(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (e) {
    return errorResponse(e);
  }
}

/** The JSON request body; an empty body is `{}` so that all-optional bodies may be left out. */
export async function readJson(request: Request): Promise<unknown> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_JSON_BYTES) {
    throw new BadRequestError(`The JSON body is larger than ${MAX_JSON_BYTES} bytes.`, 'body');
  }
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.', 'body');
  }
}

/** A web stream as the async iterable the DML store reads, without buffering it. */
export async function* bodyChunks(body: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // The store stopped early (too large, or a failure): tell the client's stream we are done with it.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** Header values are Latin-1 only, so clients may percent-encode a UTF-8 file name. */
export function decodeFileName(value: string | null): string | undefined {
  if (value === null) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The Content-Type without parameters; absent means application/octet-stream. */
export function mediaTypeOf(contentType: string | null): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return undefined;
  // curl's --data-binary labels bytes as a form unless told otherwise; storing that label would be wrong.
  if (type === 'application/x-www-form-urlencoded' || type.startsWith('multipart/')) {
    throw new ValidationError('Send the file itself as the request body (curl -T file), not as a form.', 'mediaType');
  }
  return type;
}
