/**
 * The few error classes every service maps to HTTP in one place.
 *
 * Each carries a stable `code`, an HTTP `status` and whether its message is safe
 * to show (`expose`). Messages may name the likely mistake but never echo
 * secrets, headers, payloads or personal data. Anything that is not an AppError
 * is an internal fault: the client sees a generic message and an `errorId` that
 * also appears on the log line holding the full error.
 */

export interface Issue {
  /** Dotted path of the offending field, e.g. "customer.email". */
  path: string;
  /** What is wrong with it; never the value itself. */
  message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown; expose?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.expose = options?.expose ?? status < 500;
  }
}

/** 400: the input is malformed or misses a field; `issues` say where. */
export class ValidationError extends AppError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[] = [], options?: { cause?: unknown }) {
    super("validation_failed", 400, message, options);
    this.issues = issues;
  }
}

/** 401: missing or wrong credentials or signature. */
export class AuthError extends AppError {
  constructor(message = "Authentication failed", options?: { cause?: unknown }) {
    super("unauthorized", 401, message, options);
  }
}

/** 404: unknown route, integration or record. */
export class NotFoundError extends AppError {
  constructor(message = "Not found", options?: { cause?: unknown }) {
    super("not_found", 404, message, options);
  }
}

/** 413: the body is over the configured limit. */
export class PayloadTooLargeError extends AppError {
  constructor(message = "Request body is too large", options?: { cause?: unknown }) {
    super("payload_too_large", 413, message, options);
  }
}

/** 429: the caller exceeded its request budget. */
export class RateLimitedError extends AppError {
  /** Seconds until the caller may try again, when known. */
  readonly retryAfterSeconds?: number;
  constructor(message = "Too many requests", retryAfterSeconds?: number) {
    super("rate_limited", 429, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export interface ErrorBody {
  error: { code: string; message: string; errorId?: string; issues?: Issue[] };
}

/** HTTP status for any thrown value: an AppError's own, else 500. */
export function errorStatus(err: unknown): number {
  return isAppError(err) ? err.status : 500;
}

/**
 * The JSON body for an error. AppErrors that may be exposed keep their code and
 * message; everything else becomes `internal` with a generic message. `errorId`
 * ties the answer to the log line.
 */
export function errorBody(err: unknown, errorId?: string): ErrorBody {
  if (isAppError(err) && err.expose) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err instanceof ValidationError && err.issues.length > 0) body.error.issues = err.issues;
    if (errorId) body.error.errorId = errorId;
    return body;
  }
  return {
    error: {
      code: "internal",
      message: "Internal error; the request can be retried",
      ...(errorId ? { errorId } : {}),
    },
  };
}
