/**
 * The JSON body POSTed for an event-trigger event (contract 1.5).
 */
import { z } from "zod";

/** What hdb_catalog.insert_event_log stores in event_log.payload (contract 1.2). */
export const StoredEventPayloadSchema = z.object({
  op: z.enum(["INSERT", "UPDATE", "DELETE", "MANUAL"]),
  data: z.object({ old: z.unknown().nullable(), new: z.unknown().nullable() }),
  session_variables: z.record(z.string(), z.unknown()).nullable(),
  trace_context: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type StoredEventPayload = z.infer<typeof StoredEventPayloadSchema>;

export interface EventWebhookPayload {
  id: string;
  created_at: string;
  trigger: { name: string };
  table: { schema: string; name: string };
  delivery_info: { current_retry: number; max_retries: number };
  event: {
    op: StoredEventPayload["op"];
    session_variables: Record<string, unknown> | null;
    data: { old: unknown; new: unknown };
    trace_context: Record<string, unknown> | null;
  };
}

export interface ClaimedEvent {
  id: string;
  schemaName: string;
  tableName: string;
  triggerName: string;
  payload: StoredEventPayload;
  /** event_log.tries when fetched. */
  tries: number;
  /** created_at in Hasura's UTC spelling. */
  createdAt: string;
}

/** Builds the request body; identical on every retry except `current_retry`. */
export function buildEventPayload(event: ClaimedEvent, maxRetries: number): EventWebhookPayload {
  return {
    id: event.id,
    created_at: event.createdAt,
    trigger: { name: event.triggerName },
    table: { schema: event.schemaName, name: event.tableName },
    delivery_info: { current_retry: event.tries, max_retries: maxRetries },
    event: {
      op: event.payload.op,
      session_variables: event.payload.session_variables,
      data: { old: event.payload.data.old ?? null, new: event.payload.data.new ?? null },
      trace_context: event.payload.trace_context ?? null,
    },
  };
}
