/**
 * Hasura authenticates itself to handlers with a shared secret in the
 * `x-handlers-secret` header, configured on every event trigger, cron trigger
 * and action (`value_from_env: HANDLERS_WEBHOOK_SECRET`). The comparison is
 * constant-time over SHA-256 digests (common/src/crypto/compare.ts), so neither
 * the secret's content nor its length leaks through timing.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { safeEqualSecret } from "../../../common/src/crypto/compare";
import { AuthError } from "../../../common/src/errors";

export const HANDLERS_SECRET_HEADER = "x-handlers-secret";

/** Middleware rejecting (401) any request without the right x-handlers-secret. */
export function requireHandlersSecret(secret: string): RequestHandler {
  if (secret.length === 0) throw new Error("[handlers/auth] the webhook secret must not be empty");
  return (req: Request, _res: Response, next: NextFunction): void => {
    const given = req.get(HANDLERS_SECRET_HEADER);
    if (given === undefined || given.length === 0) {
      next(new AuthError(`Missing ${HANDLERS_SECRET_HEADER} header`));
      return;
    }
    if (!safeEqualSecret(given, secret)) {
      next(new AuthError(`Wrong ${HANDLERS_SECRET_HEADER} header`));
      return;
    }
    next();
  };
}
