/** Cron trigger monthly_usage_check (1st of the month): usage/check-monthly-usage.ts. */
import { checkMonthlyUsage } from "../usage/check-monthly-usage";
import type { CronModule } from "./define";
import type { CronServices } from "./services";

export const monthly_usage_check: CronModule<CronServices> = {
  name: "monthly_usage_check",
  async handle(event, services, ctx) {
    const result = await checkMonthlyUsage({ ...services, logger: ctx.logger, now: ctx.now });
    ctx.logger.info({ scheduledTime: event.scheduled_time, ...result }, "monthly usage checked");
    return { ...result };
  },
};
