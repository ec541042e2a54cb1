/**
 * The three entry points Hasura calls, each a thin route: parse the envelope,
 * look the name up in the registry (404 when unknown), call the handler, map
 * the outcome to a status.
 *
 *   POST /events          event triggers, dispatched on `trigger.name`
 *   POST /crons/:name     cron triggers ({{HANDLERS_BASE_URL}}/crons/<name>)
 *   POST /actions/:name   actions ({{HANDLERS_BASE_URL}}/actions/<name>)
 *
 * Status tells Hasura what to do (hasura-contract.md 1.6, 3.4; STYLE.md 2):
 * 2xx done; 4xx bad input, logged with the reason; 5xx transient, Hasura
 * retries the event. Actions answer errors in Hasura's action shape
 * `{ message, extensions: { code } }` so the GraphQL client sees the message.
 */
import { randomUUID } from "node:crypto";
import { Router } from "express";
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import { errorBody, errorStatus, isAppError, NotFoundError, ValidationError } from "../../../common/src/errors";
import { getRequestId, parseOrThrow, toAppError } from "../../../common/src/http";
import type { Logger } from "../../../common/src/logger";
import type { HandlerContext, HandlerRegistry } from "../registry";
import { ActionEnvelopeSchema, CronEnvelopeSchema, EventEnvelopeSchema } from "./envelopes";

export type DeliveryKind = "event" | "cron" | "action";
export type DeliveryOutcome = "ok" | "rejected" | "failed" | "unknown_name";

export interface RouteDeps {
  registry: HandlerRegistry;
  logger: Logger;
  now: () => Date;
  /**
   * Run before every route here (authentication, body parsing), inside the
   * router so their errors reach the right error shape for the route.
   */
  guards: RequestHandler[];
  /** Called once per delivery for metrics; optional. */
  onDelivery?: (kind: DeliveryKind, name: string, outcome: DeliveryOutcome) => void;
}

function contextFor(deps: RouteDeps, res: Response, scope: Record<string, unknown>): HandlerContext {
  const requestId = getRequestId(res) ?? randomUUID();
  return { logger: deps.logger.child({ requestId, ...scope }), requestId, now: deps.now };
}

/** Lower-case request headers (repeated ones joined as Node does), without our own secret. */
function headersOf(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (key === "x-handlers-secret") continue;
    if (typeof value === "string") headers[key] = value;
    else if (Array.isArray(value)) headers[key] = value.join(", ");
  }
  return headers;
}

function outcomeOf(err: unknown): DeliveryOutcome {
  return errorStatus(toAppError(err)) < 500 ? "rejected" : "failed";
}

/** Routes for /events and /crons/:name (errors go to the service's JSON error handler). */
export function triggerRoutes(deps: RouteDeps): Router {
  const router = Router();
  const record = deps.onDelivery ?? (() => undefined);
  router.use(["/events", "/crons"], ...deps.guards);

  router.post("/events", async (req: Request, res: Response, next: NextFunction) => {
    const envelope = parseOrThrow(EventEnvelopeSchema, req.body, "Invalid event trigger payload");
    const name = envelope.trigger.name;
    const handler = deps.registry.events.get(name);
    if (!handler) {
      record("event", "unknown", "unknown_name");
      throw new NotFoundError(`No handler for event trigger "${name}"`);
    }
    const ctx = contextFor(deps, res, {
      triggerName: name,
      eventId: envelope.id,
      attempt: envelope.delivery_info?.current_retry ?? 0,
    });
    try {
      const body = await handler.handle(envelope, ctx);
      record("event", name, "ok");
      ctx.logger.info({ op: envelope.event.op }, "event handled");
      res.status(200).json(body);
    } catch (err: unknown) {
      record("event", name, outcomeOf(err));
      next(err);
    }
  });

  router.post("/crons/:name", async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.name);
    const envelope = parseOrThrow(CronEnvelopeSchema, req.body, "Invalid cron trigger payload");
    const handler = deps.registry.crons.get(name);
    if (!handler) {
      record("cron", "unknown", "unknown_name");
      throw new NotFoundError(`No handler for cron trigger "${name}"`);
    }
    if (envelope.name !== undefined && envelope.name !== name) {
      record("cron", name, "rejected");
      throw new ValidationError("Cron trigger name in the body does not match the URL", [{ path: "name", message: `expected "${name}"` }]);
    }
    const ctx = contextFor(deps, res, { cronName: name, eventId: envelope.id });
    try {
      const body = await handler.handle(envelope, ctx);
      record("cron", name, "ok");
      ctx.logger.info("cron handled");
      res.status(200).json(body);
    } catch (err: unknown) {
      record("cron", name, outcomeOf(err));
      next(err);
    }
  });

  return router;
}

/** Hasura's action error body: `message` shown to the client, `extensions` passed verbatim. */
export interface ActionErrorBody {
  message: string;
  extensions: { code: string; errorId?: string };
}

/** Maps an error to Hasura's action error shape, with the same masking as errorBody. */
export function actionErrorHandler(logger: Logger): ErrorRequestHandler {
  return (rawErr: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(rawErr);
      return;
    }
    const err = toAppError(rawErr);
    const status = errorStatus(err);
    const errorId = getRequestId(res) ?? randomUUID();
    const { error } = errorBody(err, errorId);
    const log = logger.child({ requestId: errorId, errorId, method: req.method, route: "/actions/:name" });
    if (isAppError(err) && err.expose && status < 500) log.warn({ code: error.code, status }, "action rejected");
    else log.error({ err: rawErr, status }, "action failed");
    const body: ActionErrorBody = { message: error.message, extensions: { code: error.code, errorId } };
    res.status(status).json(body);
  };
}

/** Routes for /actions/:name, with their own error handler (Hasura's action error shape). */
export function actionRoutes(deps: RouteDeps): Router {
  const router = Router();
  const record = deps.onDelivery ?? (() => undefined);
  router.use("/actions", ...deps.guards);
  router.post("/actions/:name", async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.name);
    const envelope = parseOrThrow(ActionEnvelopeSchema, req.body, "Invalid action payload");
    const handler = deps.registry.actions.get(name);
    if (!handler) {
      record("action", "unknown", "unknown_name");
      throw new NotFoundError(`No handler for action "${name}"`);
    }
    if (envelope.action.name !== name) {
      record("action", name, "rejected");
      throw new ValidationError("Action name in the body does not match the URL", [{ path: "action.name", message: `expected "${name}"` }]);
    }
    const ctx: HandlerContext = { ...contextFor(deps, res, { action: name }), headers: headersOf(req) };
    try {
      const body = await handler.handle(envelope, ctx);
      record("action", name, "ok");
      ctx.logger.info("action handled");
      res.status(200).json(body);
    } catch (err: unknown) {
      record("action", name, outcomeOf(err));
      next(err);
    }
  });
  router.use("/actions", actionErrorHandler(deps.logger));
  return router;
}
