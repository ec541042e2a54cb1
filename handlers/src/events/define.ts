/**
 * The shape every event-trigger module exports (STYLE.md section 2): its
 * trigger name exactly as in hasura/metadata, the zod schema of its envelope
 * (`hasuraEventSchema(rowSchema)`), and `handle`, which gets the parsed event.
 * A payload that does not match answers 400 with issue paths (never values).
 */
import type { z } from "zod";
import { ValidationError } from "../../../common/src/errors";
import { parseOrThrow } from "../../../common/src/http";
import { hasuraEventSchema, type EventEnvelope } from "../http/envelopes";
import type { EventHandler, HandlerContext, JsonObject } from "../registry";

export interface EventModule<Row extends z.ZodType, Deps> {
  name: string;
  rowSchema: Row;
  handle(event: z.infer<ReturnType<typeof hasuraEventSchema<Row>>>, deps: Deps, ctx: HandlerContext): Promise<JsonObject>;
}

/** Binds a module to its dependencies as a registry EventHandler. */
export function bindEventModule<Row extends z.ZodType, Deps>(module: EventModule<Row, Deps>, deps: Deps): EventHandler {
  const schema = hasuraEventSchema(module.rowSchema);
  return {
    name: module.name,
    async handle(envelope: EventEnvelope, ctx: HandlerContext): Promise<JsonObject> {
      return module.handle(parseOrThrow(schema, envelope, `Invalid ${module.name} payload`), deps, ctx);
    },
  };
}

/** The row the event is about: `new` for inserts and updates, else `old`. */
export function rowOf<T>(event: { event: { data: { old: T | null; new: T | null } } }, name: string): T {
  const row = event.event.data.new ?? event.event.data.old;
  if (row === null) throw new ValidationError(`${name} payload carries no row`, [{ path: "event.data", message: "old and new are both null" }]);
  return row;
}
