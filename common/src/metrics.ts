/**
 * Prometheus metrics shared by every service.
 *
 * Built on prom-client (siimon/prom-client): the de-facto Node client, pure
 * JavaScript (no native build), maintained, ~19M downloads a month, and it
 * writes the Prometheus text exposition format 0.0.4 that Prometheus, the
 * OpenTelemetry collector and Grafana Agent all scrape. It also ships the
 * standard process/Node collectors (event loop lag, heap, GC) we would
 * otherwise hand-roll.
 *
 * One registry per app instance (never prom-client's global one) so that
 * several apps in one test process, or one jest worker, do not collide.
 *
 * Labels stay low-cardinality on purpose: `route` is the matched pattern
 * (`/actions/:name`) or "unmatched", never the raw URL, which could carry ids
 * or personal data (ARCHITECTURE.md, privacy by design).
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { routeLabel } from "./http/errors";

/** Latency buckets in seconds: webhook handlers answer in ms, slow ones in s. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  registry: Registry;
  /** Counts `http_requests_total` and observes `http_request_duration_seconds`. */
  middleware: RequestHandler;
  /** Serves the registry in Prometheus text format (mount on GET /metrics). */
  handler: RequestHandler;
  httpRequests: Counter<"service" | "method" | "route" | "status">;
  httpDuration: Histogram<"service" | "method" | "route" | "status">;
}

export interface MetricsOptions {
  /** Value of the `service` label, e.g. "handlers". */
  service: string;
  /** Also collect process and Node.js runtime metrics (default true). */
  collectDefaults?: boolean;
  /** High-resolution clock in seconds; injectable so tests assert exact latencies. */
  now?: () => number;
}

const hrSeconds = (): number => Number(process.hrtime.bigint()) / 1e9;

/** Creates a fresh registry with the HTTP metrics and the Express pieces around it. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.collectDefaults ?? true) collectDefaultMetrics({ register: registry });
  const now = options.now ?? hrSeconds;

  const httpRequests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by route pattern and status code.",
    labelNames: ["service", "method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from request arrival to the last byte of the response, in seconds.",
    labelNames: ["service", "method", "route", "status"] as const,
    buckets: [...HTTP_DURATION_BUCKETS],
    registers: [registry],
  });

  const middleware: RequestHandler = (req: Request, res: Response, next: NextFunction): void => {
    const started = now();
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      const labels = {
        service: options.service,
        method: req.method,
        route: routeLabel(req),
        // A client that hung up before the answer: count it apart from real statuses.
        status: res.writableFinished ? String(res.statusCode) : "aborted",
      };
      httpRequests.inc(labels);
      httpDuration.observe(labels, Math.max(0, now() - started));
    };
    res.once("finish", record);
    res.once("close", record);
    next();
  };

  const handler: RequestHandler = async (_req: Request, res: Response): Promise<void> => {
    const body = await registry.metrics();
    res.setHeader("content-type", registry.contentType);
    res.setHeader("cache-control", "no-store");
    res.status(200).send(body);
  };

  return { registry, middleware, handler, httpRequests, httpDuration };
}
