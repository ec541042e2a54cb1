/**
 * The shape every cron-trigger module exports (STYLE.md section 2): its name
 * exactly as in hasura/metadata/cron_triggers.yaml and `handle`, which gets
 * the parsed cron envelope (hasura-contract.md 2.3), its services and the
 * context (logger, request id, injected clock).
 */
import type { CronEnvelope } from "../http/envelopes";
import type { CronHandler, HandlerContext, JsonObject } from "../registry";

export interface CronModule<Deps> {
  name: string;
  handle(event: CronEnvelope, deps: Deps, ctx: HandlerContext): Promise<JsonObject>;
}

/** Binds a module to its dependencies as a registry CronHandler. */
export function bindCronModule<Deps>(module: CronModule<Deps>, deps: Deps): CronHandler {
  return { name: module.name, handle: (event, ctx) => module.handle(event, deps, ctx) };
}
