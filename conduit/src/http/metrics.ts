/**
 * conduit's own metrics beside the shared HTTP ones (common/src/metrics.ts):
 * webhook requests by integration and status, and intake latency (request
 * arrival to answer, the durable write included). The integration label comes
 * from a fixed list, so cardinality stays bounded.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import { HTTP_DURATION_BUCKETS } from "../../../common/src/metrics";

export interface IntakeMetrics {
  requests: Counter<"integration" | "endpoint" | "status">;
  latency: Histogram<"integration" | "endpoint" | "status">;
  /** Requests let through unlimited because the rate-limit store failed (http/rate-limit.ts: fail open). */
  rateLimitStoreErrors: Counter;
}

export function createIntakeMetrics(registry: Registry): IntakeMetrics {
  return {
    requests: new Counter({
      name: "conduit_webhook_requests_total",
      help: "Webhook requests by integration, endpoint (event or customer-redact) and status.",
      labelNames: ["integration", "endpoint", "status"] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: "conduit_intake_duration_seconds",
      help: "Time from arrival to answer for webhook requests, storage included, in seconds.",
      labelNames: ["integration", "endpoint", "status"] as const,
      buckets: [...HTTP_DURATION_BUCKETS],
      registers: [registry],
    }),
    rateLimitStoreErrors: new Counter({
      name: "conduit_rate_limit_store_errors_total",
      help: "Requests let through without a rate limit because the shared store (Redis) failed.",
      registers: [registry],
    }),
  };
}
