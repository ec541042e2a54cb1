/**
 * Per-IP rate limit on the webhook routes: RATE_LIMIT_MAX requests per
 * RATE_LIMIT_WINDOW_MS (1,000 per 15 minutes by default).
 *
 * express-rate-limit: the maintained standard for Express (80M downloads a
 * month, Express 5 support, IPv6 subnet keying so one host cannot rotate
 * addresses inside its /56), with a pluggable `Store`. In memory by default; with
 * several replicas main.ts passes a shared Redis store (rate-limit-redis), so the
 * budget holds across replicas. Going past it answers our JSON 429 with
 * Retry-After through the common error middleware.
 */
import type { RequestHandler } from "express";
import { rateLimit, type Store } from "express-rate-limit";
import { RateLimitedError } from "../../../common/src/errors";

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  store?: Store;
}

export function createRateLimit(options: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.max,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    ...(options.store ? { store: options.store } : {}),
    handler: (_req, _res, next, opts) => {
      next(new RateLimitedError("Too many requests from this address; retry later", Math.ceil(opts.windowMs / 1000)));
    },
  });
}
