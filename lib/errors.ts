/**
 * Typed errors that services throw and that actions and route handlers map to responses.
 * `field` names the input at fault, so the client can show the message beside it.
 */
export class AppError extends Error {
  readonly status: number = 500;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  override readonly status = 422;
}
/** Several inputs at fault at once (a CSV file's lines): each with where it is and what is wrong. */
export class LineErrors extends ValidationError {
  constructor(
    message: string,
    readonly lines: { line: number; field: string; message: string }[],
  ) {
    super(message, 'file');
  }
}
export class UnauthorizedError extends AppError {
  override readonly status = 401;
}
export class ForbiddenError extends AppError {
  override readonly status = 403;
}
export class NotFoundError extends AppError {
  override readonly status = 404;
}
export class ConflictError extends AppError {
  override readonly status = 409;
}
export class TooManyRequestsError extends AppError {
  override readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The SQLSTATE of a database error, also when drizzle has wrapped it (DrizzleQueryError.cause). */
export function sqlState(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Two transactions collided (deadlock, serialisation failure): safe to run again from the start. */
export const isContention = (e: unknown) => ['40001', '40P01'].includes(sqlState(e) ?? '');

/** The database refused a value as such (bad text encoding, NUL, not a uuid…): the caller's input, not our fault. */
export const isDataException = (e: unknown) => sqlState(e)?.startsWith('22') ?? false;

/**
 * Runs a unit of work (one transaction) again when it lost a collision with another; what it
 * did was rolled back, so a retry starts clean. Callers never see contention as a server error:
 * after the last attempt it is a 409 asking them to try again.
 */
export async function retryOnContention<T>(work: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (e) {
      if (!isContention(e)) throw e;
      if (i >= attempts) throw new ConflictError('The portal is busy with the same item right now. Try again in a moment.');
      // Jittered backoff so the colliding callers do not meet again at once.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * i));
    }
  }
}

/** Input the database refused outright, as a 422 (used where no schema caught it first). */
export function asInputError(e: unknown): unknown {
  if (isDataException(e)) return new ValidationError('The input contains a value that cannot be stored (for example a NUL character).');
  // A reference to a row that does not exist (or no longer does): the caller named something unknown.
  if (sqlState(e) === '23503') return new ValidationError('The input refers to something that does not exist.');
  return e;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a URL or form that cannot name anything is answered like an unknown one (404), never a 500. */
export function assertId(id: unknown, message: string, field?: string): asserts id is string {
  if (typeof id !== 'string' || !UUID.test(id)) throw new NotFoundError(message, field);
}
