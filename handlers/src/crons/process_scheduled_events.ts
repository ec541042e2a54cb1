/** Cron trigger process_scheduled_events (every 10 minutes): scheduling/process-scheduled-events.ts. */
import { processScheduledEvents } from "../scheduling/process-scheduled-events";
import type { CronModule } from "./define";
import type { CronServices } from "./services";

export const process_scheduled_events: CronModule<CronServices> = {
  name: "process_scheduled_events",
  async handle(event, services, ctx) {
    const result = await processScheduledEvents({ ...services, logger: ctx.logger, now: ctx.now });
    ctx.logger.info({ scheduledTime: event.scheduled_time, ...result }, "scheduled events processed");
    return { ...result };
  },
};
