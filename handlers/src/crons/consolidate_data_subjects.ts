/** Cron trigger consolidate_data_subjects (hourly): consolidation/consolidate-data-subjects.ts. */
import { consolidateDataSubjects } from "../consolidation/consolidate-data-subjects";
import type { CronModule } from "./define";
import type { CronServices } from "./services";

export const consolidate_data_subjects: CronModule<CronServices> = {
  name: "consolidate_data_subjects",
  async handle(event, services, ctx) {
    const result = await consolidateDataSubjects({ sdk: services.sdk, logger: ctx.logger, now: ctx.now });
    ctx.logger.info({ scheduledTime: event.scheduled_time, groups: result.groups, batches: result.batches }, "consolidation run finished");
    return { ...result };
  },
};
