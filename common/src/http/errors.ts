/**
 * The one place where a thrown value becomes an HTTP answer.
 *
 * Every service mounts `notFoundHandler()` after its routes and
 * `errorHandler()` last. Routes never pick a status in a scattered `catch`;
 * they throw the AppError subclasses of common/src/errors.ts (or let a bug
 * throw) and this middleware writes `{ error: { code, message, errorId } }`.
 * The body never carries stack traces, SQL, secrets or request data: unknown
 * errors are masked as `internal` and only the log line (under the same
 * errorId) holds the detail. See STYLE.md section 4.
 */
import { randomUUID } from "node:crypto";
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import { errorBody, isAppError, NotFoundError, PayloadTooLargeError, RateLimitedError, ValidationError } from "../errors";
import type { Logger } from "../logger";
import { getRequestId } from "./request-id";

/**
 * Errors raised by Express's body parsers (body-parser / raw-body) carry a
 * `type` and a `status`. They are the client's fault, so they map to 400/413
 * with a fixed message instead of the parser's own, which may quote the body.
 */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  if (typeof err !== "object" || err === null) return false;
  const candidate = err as { type?: unknown; status?: unknown };
  return typeof candidate.type === "string" && typeof candidate.status === "number";
}

/** Translates framework errors into the AppError they stand for; others pass through. */
export function toAppError(err: unknown): unknown {
  if (isAppError(err)) return err;
  if (isBodyParserError(err)) {
    switch (err.type) {
      case "entity.too.large":
        return new PayloadTooLargeError(undefined, { cause: err });
      case "entity.parse.failed":
        return new ValidationError("Request body is not valid JSON", [], { cause: err });
      case "encoding.unsupported":
      case "charset.unsupported":
        return new ValidationError("Request body encoding is not supported", [], { cause: err });
      case "request.aborted":
        return new ValidationError("Request body was not received completely", [], { cause: err });
      default:
        if (err.status >= 400 && err.status < 500) return new ValidationError("Request body could not be read", [], { cause: err });
    }
  }
  return err;
}

export interface ErrorHandlerOptions {
  logger: Logger;
  /** Mints the errorId when no request id was assigned; injectable for tests. */
  generateErrorId?: () => string;
}

/**
 * Express error middleware. Exposed 4xx errors are logged at warn with their
 * code only; anything else at error with the full error. Both log lines and
 * the body carry the same errorId.
 */
export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  const generate = options.generateErrorId ?? randomUUID;
  return (rawErr: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      // Express's default handler closes the socket; a second body cannot be written.
      next(rawErr);
      return;
    }
    const err = toAppError(rawErr);
    const requestId = getRequestId(res);
    const status = isAppError(err) ? err.status : 500;
    // Every error body carries an id; the request id doubles as errorId so one
    // id finds the request, the log line and the answer.
    const errorId = requestId ?? generate();
    const log = options.logger.child({ requestId, errorId, method: req.method, route: routeLabel(req) });
    if (isAppError(err) && err.expose && status < 500) {
      log.warn({ code: err.code, status }, "request rejected");
    } else {
      log.error({ err: rawErr, status }, "request failed");
    }
    if (status === 413) res.setHeader("connection", "close");
    if (err instanceof RateLimitedError && err.retryAfterSeconds !== undefined) {
      res.setHeader("retry-after", String(Math.ceil(err.retryAfterSeconds)));
    }
    res.status(status).json(errorBody(err, errorId));
  };
}

/** Final route: anything not matched is a JSON 404 rather than Express's HTML page. */
export function notFoundHandler(): RequestHandler {
  return (_req: Request, _res: Response, next: NextFunction): void => {
    next(new NotFoundError("No such route"));
  };
}

/**
 * A low-cardinality label for the route that handled `req`: the matched route
 * pattern (`/actions/:name`), never the concrete path, which may hold ids.
 */
export function routeLabel(req: Request): string {
  const route: unknown = (req as Request & { route?: { path?: unknown } }).route;
  const path = typeof route === "object" && route !== null ? (route as { path?: unknown }).path : undefined;
  if (typeof path === "string") return `${req.baseUrl}${path}` || "/";
  return "unmatched";
}
