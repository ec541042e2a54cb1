/**
 * Webhook routes under /api/v1. Thin: build the neutral request, call the use
 * case, write the outcome. Raw body only here (express.raw with a size limit),
 * rate limit first so over-budget callers cost nothing.
 */
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { AuthError, errorStatus, NotFoundError } from "../../../common/src/errors";
import type { Logger } from "../../../common/src/logger";
import { getRequestId, toAppError } from "../../../common/src/http";
import { AuthFailure } from "../auth/authenticate";
import { receiveCustomerRedact } from "../intake/customer-redact";
import { outcomeLogFields, receiveWebhook, SignatureError, type IntakeDeps, type IntakeOutcome } from "../intake/receive-webhook";
import { isServiceName, type ServiceName } from "../integrations/types";
import type { IntakeMetrics } from "./metrics";
import { queryParam, toRawRequest } from "./raw-request";

export interface RouteDeps {
  intake: IntakeDeps;
  logger: Logger;
  metrics: IntakeMetrics;
  publicBaseUrl: string;
  bodyLimitBytes: number;
  rateLimit: RequestHandler;
  hrNow?: () => number;
}

type Endpoint = "event" | "customer-redact";

/** Services whose errors must carry no body (Xero: "empty response body, no cookies", spec §15). */
const BARE_ERROR_SERVICES: ReadonlySet<string> = new Set(["xero"]);

function writeOutcome(res: Response, outcome: IntakeOutcome, method: string): void {
  if (outcome.response) {
    res.status(outcome.response.status);
    if (outcome.response.contentType) res.setHeader("content-type", outcome.response.contentType);
    res.send(outcome.response.body);
    return;
  }
  if (method === "HEAD") {
    res.status(200).end();
    return;
  }
  if (outcome.kind === "handshake") {
    res.status(200).json({ ok: true });
    return;
  }
  res.status(200).json({ ok: true, received: outcome.received, stored: outcome.stored, duplicates: outcome.duplicates });
}

export function webhookRouter(deps: RouteDeps): Router {
  const router = Router();
  const hrNow = deps.hrNow ?? (() => Number(process.hrtime.bigint()) / 1e9);
  const rawBody = express.raw({ type: () => true, limit: deps.bodyLimitBytes });

  const handle = (endpoint: Endpoint, serviceOf: (req: Request) => string) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const started = hrNow();
      const name = serviceOf(req);
      const label = isServiceName(name) ? name : "unknown";
      res.once("finish", () => {
        const labels = { integration: label, endpoint, status: String(res.statusCode) };
        deps.metrics.requests.inc(labels);
        deps.metrics.latency.observe(labels, Math.max(0, hrNow() - started));
      });
      const log = deps.logger.child({ requestId: getRequestId(res), integration: label, endpoint });
      try {
        if (!isServiceName(name) || (name === "netsuite") !== (req.baseUrl + req.route?.path).includes("/webhook/")) {
          throw new NotFoundError("Unknown integration");
        }
        const service: ServiceName = name;
        const input = {
          service,
          request: toRawRequest(req, deps.publicBaseUrl),
          query: { token: queryParam(req, "token"), did: queryParam(req, "did"), dxKey: queryParam(req, "dxKey"), dpid: queryParam(req, "dpid") },
          authorization: req.get("authorization"),
          webhookSecret: req.get("x-webhook-secret"),
        };
        const outcome = endpoint === "event" ? await receiveWebhook(input, deps.intake) : await receiveCustomerRedact(input, deps.intake);
        log.info(outcomeLogFields(outcome), "webhook accepted");
        writeOutcome(res, outcome, req.method);
      } catch (err: unknown) {
        if (err instanceof AuthFailure || err instanceof SignatureError) log.warn({ reason: err.reason, status: 401 }, "webhook rejected");
        else if (err instanceof AuthError) log.warn({ status: 401 }, "webhook rejected");
        else if (errorStatus(err) >= 500) log.error({ err }, "webhook failed; the platform will retry");
        next(err);
      }
    };

  const eventHandler = handle("event", (req) => String(req.params.service));
  const redactHandler = handle("customer-redact", (req) => String(req.params.service));
  const netsuiteHandler = handle("event", () => "netsuite");

  // Xero's rules hold for errors too, the rate limit's 429 included.
  router.use("/integrations/:service", (req, res, next) => {
    if (BARE_ERROR_SERVICES.has(String(req.params.service))) res.locals.bareErrors = true;
    next();
  });
  router.post("/integrations/netsuite/webhook/event", deps.rateLimit, rawBody, netsuiteHandler);
  router.post("/integrations/:service/event", deps.rateLimit, rawBody, eventHandler);
  router.get("/integrations/:service/event", deps.rateLimit, eventHandler);
  router.head("/integrations/:service/event", deps.rateLimit, eventHandler);
  router.post("/integrations/:service/customer-redact", deps.rateLimit, rawBody, redactHandler);
  return router;
}

/** Before the common error handler: services that need empty error bodies get them. */
export function bareErrorBodies(): express.ErrorRequestHandler {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.locals.bareErrors !== true || res.headersSent) {
      next(err);
      return;
    }
    res.status(errorStatus(toAppError(err))).end();
  };
}
