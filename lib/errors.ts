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
