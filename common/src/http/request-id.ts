/**
 * Request ids: one per HTTP request, echoed in the `x-request-id` response
 * header and carried on every log line and error body of that request.
 *
 * An incoming `x-request-id` is kept when it looks like an id (Hasura and most
 * proxies send one; keeping it lets a delivery be followed across services),
 * otherwise a fresh UUID is minted. The header is never trusted as anything but
 * an opaque label, so it is length- and charset-limited before use: it ends up
 * in logs and must not smuggle personal data or control characters there.
 */
import { randomUUID } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";

export const REQUEST_ID_HEADER = "x-request-id";

/** Printable, no spaces, 1..128 characters: a UUID, a ULID, a trace id. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** True when `value` is acceptable as a caller-supplied request id. */
export function isRequestId(value: unknown): value is string {
  return typeof value === "string" && REQUEST_ID_PATTERN.test(value);
}

/**
 * Middleware that sets `res.locals.requestId` and the `x-request-id` response
 * header. `generate` is injectable for tests.
 */
export function requestId(generate: () => string = randomUUID): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get(REQUEST_ID_HEADER);
    const id = isRequestId(incoming) ? incoming : generate();
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

/** The id `requestId()` assigned, or undefined when that middleware did not run. */
export function getRequestId(res: Response): string | undefined {
  const id: unknown = res.locals.requestId;
  return typeof id === "string" ? id : undefined;
}
