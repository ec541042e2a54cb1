/**
 * zod schemas for the three request bodies Hasura sends handlers
 * (hasura-contract.md 1.5 event triggers, 2.3 cron triggers, 3.3 actions).
 * Only the envelope is checked here; each handler parses its own row or input
 * with its own schema, via `hasuraEventSchema(rowSchema)` for events.
 */
import { z } from "zod";

const SessionVariablesSchema = z.record(z.string(), z.string()).nullable();

/** An event-trigger body whose `event.data.old/new` rows match `rowSchema`. */
export function hasuraEventSchema<Row extends z.ZodType>(rowSchema: Row) {
  return z.object({
    id: z.string().min(1),
    created_at: z.string().min(1),
    trigger: z.object({ name: z.string().min(1) }),
    table: z.object({ schema: z.string().min(1), name: z.string().min(1) }),
    delivery_info: z.object({ current_retry: z.number().int().min(0), max_retries: z.number().int().min(0) }).optional(),
    event: z.object({
      op: z.enum(["INSERT", "UPDATE", "DELETE", "MANUAL"]),
      session_variables: SessionVariablesSchema.optional(),
      data: z.object({ old: rowSchema.nullable(), new: rowSchema.nullable() }),
      trace_context: z.unknown().optional(),
    }),
  });
}

/** Any event-trigger body, rows left as plain objects. */
export const EventEnvelopeSchema = hasuraEventSchema(z.record(z.string(), z.unknown()));
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** A cron-trigger body; one-off scheduled events have no `name`. */
export const CronEnvelopeSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  scheduled_time: z.string().min(1),
  payload: z.unknown().optional(),
  comment: z.string().optional(),
  created_at: z.string().optional(),
});
export type CronEnvelope = z.infer<typeof CronEnvelopeSchema>;

/** An action call body. */
export const ActionEnvelopeSchema = z.object({
  action: z.object({ name: z.string().min(1) }),
  input: z.record(z.string(), z.unknown()),
  session_variables: SessionVariablesSchema.optional(),
  request_query: z.string().optional(),
});
export type ActionEnvelope = z.infer<typeof ActionEnvelopeSchema>;
