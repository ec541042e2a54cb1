/**
 * handlers/ app factory: what Hasura calls. Never reads the environment and
 * never listens (main.ts does); tests call createApp with their own deps.
 *
 *   GET  /healthz         public liveness (200 {"status":"ok","service":"handlers"})
 *   GET  /metrics         Prometheus text format
 *   POST /events          event triggers          } x-handlers-secret required,
 *   POST /crons/:name     cron triggers           } unknown names answer 404
 *   POST /actions/:name   actions                 }
 *   GET  /exports/:id/:file  signed, expiring export downloads (when rights are configured)
 */
import express from "express";
import { errorHandler, healthRouter, notFoundHandler, requestId } from "../../common/src/http";
import type { HealthCheck } from "../../common/src/http";
import type { Logger } from "../../common/src/logger";
import { createMetrics } from "../../common/src/metrics";
import type { Metrics } from "../../common/src/metrics";
import { Counter } from "prom-client";
import { requireHandlersSecret } from "./http/auth";
import { actionRoutes, triggerRoutes } from "./http/routes";
import type { DeliveryKind, DeliveryOutcome } from "./http/routes";
import type { HandlerRegistry } from "./registry";
import { defaultRegistry } from "./registry";

export interface AppDeps {
  /** Value Hasura sends in x-handlers-secret (HANDLERS_WEBHOOK_SECRET). */
  webhookSecret: string;
  logger: Logger;
  /** Defaults to the registry this release ships (empty in the foundation issue). */
  registry?: HandlerRegistry;
  /** Defaults to a fresh registry per app, so tests do not share counters. */
  metrics?: Metrics;
  /** Injected clock for handlers; defaults to the system clock. */
  now?: () => Date;
  /** Largest JSON body in bytes; default 5 MiB. */
  bodyLimitBytes?: number;
  /** Readiness checks for /healthz (engine reachable, ...). */
  healthChecks?: readonly HealthCheck[];
  /** Public routes outside Hasura's calls, e.g. the signed export downloads (rights/export-links.ts). */
  publicRoutes?: readonly express.Router[];
}

export function createApp(deps: AppDeps): express.Express {
  const metrics = deps.metrics ?? createMetrics({ service: "handlers" });
  const deliveries = new Counter({
    name: "handlers_deliveries_total",
    help: "Hasura deliveries by kind (event, cron, action), registered name and outcome.",
    labelNames: ["kind", "name", "outcome"] as const,
    registers: [metrics.registry],
  });
  const onDelivery = (kind: DeliveryKind, name: string, outcome: DeliveryOutcome): void => {
    deliveries.inc({ kind, name, outcome });
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(requestId());
  app.use(metrics.middleware);
  app.use(healthRouter({ service: "handlers", checks: deps.healthChecks }));
  app.get("/metrics", metrics.handler);

  // Authenticate before parsing, so an unauthenticated caller cannot make us
  // buffer and parse a large body.
  const guards = [requireHandlersSecret(deps.webhookSecret), express.json({ limit: deps.bodyLimitBytes ?? 5 * 1024 * 1024 })];
  const routeDeps = {
    registry: deps.registry ?? defaultRegistry(),
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    guards,
    onDelivery,
  };
  app.use(triggerRoutes(routeDeps));
  app.use(actionRoutes(routeDeps));
  for (const router of deps.publicRoutes ?? []) app.use(router);

  app.use(notFoundHandler());
  app.use(errorHandler({ logger: deps.logger }));
  return app;
}
