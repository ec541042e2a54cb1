/**
 * The registry of what Hasura may call: event triggers (by trigger name),
 * cron triggers and actions (by name). One module per Hasura object, named
 * exactly as in hasura/metadata, registered here (STYLE.md section 2).
 *
 * This issue delivers the shell: the registry is empty and every name is
 * rejected with 404 until later issues register their modules.
 */
import type { Logger } from "../../common/src/logger";
import type { ActionEnvelope, CronEnvelope, EventEnvelope } from "./http/envelopes";

/** What a handler gets besides its input. */
export interface HandlerContext {
  logger: Logger;
  requestId: string;
  /** Injected clock: handlers never call `new Date()` themselves. */
  now: () => Date;
  /**
   * Actions only: the call's request headers, lower-case. Hasura forwards the
   * client's headers when the action sets forward_client_headers (except
   * Host and User-Agent, passed as X-Forwarded-Host / X-Forwarded-User-Agent;
   * hasura-contract.md 3.3), e.g. the consent widget's Sec-GPC signal.
   */
  headers?: Readonly<Record<string, string>>;
}

/** A JSON-serialisable answer body. */
export type JsonObject = { [key: string]: unknown };

export interface EventHandler {
  /** The event trigger's name in hasura/metadata. */
  name: string;
  /** Resolves with the 200 body; throws an AppError for 4xx, anything else becomes 500 (Hasura retries). */
  handle(event: EventEnvelope, ctx: HandlerContext): Promise<JsonObject>;
}

export interface CronHandler {
  /** The cron trigger's name in hasura/metadata. */
  name: string;
  handle(event: CronEnvelope, ctx: HandlerContext): Promise<JsonObject>;
}

export interface ActionHandler {
  /** The action's name in hasura/metadata (camelCase, e.g. insertRightsRequest). */
  name: string;
  /** Resolves with the action's output type (object or array). */
  handle(call: ActionEnvelope, ctx: HandlerContext): Promise<JsonObject | JsonObject[]>;
}

export interface HandlerRegistry {
  events: ReadonlyMap<string, EventHandler>;
  crons: ReadonlyMap<string, CronHandler>;
  actions: ReadonlyMap<string, ActionHandler>;
}

function byName<T extends { name: string }>(kind: string, list: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of list) {
    // Registering twice is our own bug, not bad input: fail at start-up.
    if (map.has(item.name)) throw new Error(`[handlers/registry] ${kind} "${item.name}" registered twice`);
    map.set(item.name, item);
  }
  return map;
}

/** Builds a registry; throws when a name is registered twice. */
export function createRegistry(parts: {
  events?: readonly EventHandler[];
  crons?: readonly CronHandler[];
  actions?: readonly ActionHandler[];
}): HandlerRegistry {
  return {
    events: byName("event trigger", parts.events ?? []),
    crons: byName("cron trigger", parts.crons ?? []),
    actions: byName("action", parts.actions ?? []),
  };
}

/** The registry this issue ships: nothing registered yet. */
export function defaultRegistry(): HandlerRegistry {
  return createRegistry({});
}
