/**
 * Event trigger scheduled_events_insert: validate the schedule and compute
 * next_event_at of an event inserted without one (scheduling/schedule-event.ts).
 */
import { z } from "zod";
import { scheduleEvent } from "../scheduling/schedule-event";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const ScheduledEventRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid(), reference: z.string().nullable().optional() });

export const scheduled_events_insert: EventModule<typeof ScheduledEventRowSchema, HandlerServices> = {
  name: "scheduled_events_insert",
  rowSchema: ScheduledEventRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "scheduled_events_insert");
    const result = await scheduleEvent(row.id, services);
    const log = { scheduledEventId: row.id, controllerId: row.controller_id, reference: row.reference ?? null, ...result };
    if (result.outcome === "invalid") ctx.logger.warn(log, "scheduled event not scheduled");
    else ctx.logger.info(log, "scheduled event checked");
    return { ...result };
  },
};
