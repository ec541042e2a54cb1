/**
 * conduit's Express app: no environment, no listening (STYLE.md §1). main.ts
 * builds the dependencies; tests pass their own.
 */
import express from "express";
import type { Store } from "express-rate-limit";
import { errorHandler, healthRouter, notFoundHandler, requestId, type HealthCheck } from "../../common/src/http";
import type { Logger } from "../../common/src/logger";
import { createMetrics } from "../../common/src/metrics";
import { createIntakeMetrics } from "./http/metrics";
import { createRateLimit } from "./http/rate-limit";
import { bareErrorBodies, webhookRouter } from "./http/routes";
import type { IntakeDeps } from "./intake/receive-webhook";

export interface AppDeps {
  intake: IntakeDeps;
  logger: Logger;
  publicBaseUrl: string;
  bodyLimitBytes: number;
  rateLimit: { max: number; windowMs: number; store?: Store };
  /** Express "trust proxy" hop count, for the client IP the rate limit keys on. */
  trustProxyHops?: number;
  healthChecks?: readonly HealthCheck[];
  /** Collect Node/process metrics too (off in tests to keep them light). */
  collectDefaultMetrics?: boolean;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxyHops ?? 0);
  const metrics = createMetrics({ service: "conduit", collectDefaults: deps.collectDefaultMetrics ?? true });
  const intakeMetrics = createIntakeMetrics(metrics.registry);

  app.use(requestId());
  app.use(metrics.middleware);
  app.use(healthRouter({ service: "conduit", checks: deps.healthChecks ?? [] }));
  app.get("/metrics", metrics.handler);
  app.use(
    "/api/v1",
    webhookRouter({
      intake: deps.intake,
      logger: deps.logger,
      metrics: intakeMetrics,
      publicBaseUrl: deps.publicBaseUrl,
      bodyLimitBytes: deps.bodyLimitBytes,
      rateLimit: createRateLimit({ ...deps.rateLimit, logger: deps.logger, storeErrors: intakeMetrics.rateLimitStoreErrors }),
    }),
  );
  app.use(notFoundHandler());
  app.use(bareErrorBodies());
  app.use(errorHandler({ logger: deps.logger }));
  return app;
}
