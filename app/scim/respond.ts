import { asInputError, isContention, ValidationError } from '@/lib/errors';
import { ERROR_SCHEMA, ScimError, badRequest } from '@/lib/scim/errors';
import { assertScimToken } from '@/lib/scim/token';

const SCIM_TYPE = 'application/scim+json';
const MAX_BODY_BYTES = 1024 * 1024;

/** A SCIM answer (RFC 7644 §3.1: application/scim+json), never cached. */
export function scimJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { ...(body === undefined ? {} : { 'Content-Type': SCIM_TYPE }), 'Cache-Control': 'no-store', ...headers },
  });
}

/** Every SCIM error as RFC 7644 §3.12's body; in one place, as app/api/respond.ts does for the JSON API. */
export function scimError(caught: unknown): Response {
  let e = caught;
  if (isContention(e)) e = new ScimError(409, 'Busy with the same resource right now; try again.');
  else if (!(e instanceof ScimError)) e = asInputError(e);
  if (e instanceof ValidationError) e = badRequest(e.message, 'invalidValue');
  if (e instanceof ScimError) {
    const body = { schemas: [ERROR_SCHEMA], status: String(e.status), ...(e.scimType ? { scimType: e.scimType } : {}), detail: e.detail };
    return scimJson(body, e.status, e.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="scim"' } : {});
  }
  console.error('SCIM request failed', e);
  return scimJson({ schemas: [ERROR_SCHEMA], status: '500', detail: 'Internal error' }, 500);
}

/** Checks the bearer token, runs the handler, and maps whatever it throws. */
export async function scimRespond(request: Request, handler: () => Promise<Response>): Promise<Response> {
  try {
    assertScimToken(request.headers.get('authorization'));
    return await handler();
  } catch (e) {
    return scimError(e);
  }
}

/** The JSON body; not JSON, or too large, is a 400 invalidSyntax before anything is looked at. */
export async function readScimBody(request: Request): Promise<unknown> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES)
    throw badRequest('The body is larger than 1 MiB.', 'invalidSyntax');
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw badRequest('The body is larger than 1 MiB.', 'invalidSyntax');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The body is not valid JSON.', 'invalidSyntax');
  }
}
