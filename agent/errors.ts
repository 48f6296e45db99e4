/** Wrong flags or arguments: exit code 2, with a pointer to --help. */
export class UsageError extends Error {}

/** The state directory is missing, unreadable or not enrolled: exit code 2. */
export class ConfigError extends Error {}

/** Something failed that a later run may get past (server down, code refused, busy): exit code 1. */
export class AgentFailure extends Error {}

/** The server answered 401 to a device call. Nothing else in the run can succeed, so it ends the run. */
export class TokenRefusedError extends AgentFailure {
  constructor() {
    super("this device's token was refused (revoked or retired?) — enrol again: npm run agent -- enroll --server URL --code CODE");
  }
}

/** A non-2xx answer (status > 0) or no answer at all (status 0: network error, timeout). */
export class ApiError extends AgentFailure {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The server answered 2xx but not with what the contract promises. */
export class ProtocolError extends AgentFailure {}

export function messageOf(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // fetch() hides the useful part ("ECONNREFUSED", "other side closed") in `cause`.
  const cause = (e as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
}

export function isErrno(e: unknown, code: string): boolean {
  return e instanceof Error && (e as NodeJS.ErrnoException).code === code;
}
