/** Cron trigger delete_expired_controllers (daily, midnight UTC): usage/delete-expired-controllers.ts. */
import { deleteExpiredControllers } from "../usage/delete-expired-controllers";
import type { CronModule } from "./define";
import type { CronServices } from "./services";

export const delete_expired_controllers: CronModule<CronServices> = {
  name: "delete_expired_controllers",
  async handle(event, services, ctx) {
    const result = await deleteExpiredControllers({ ...services, logger: ctx.logger, now: ctx.now });
    ctx.logger.info({ scheduledTime: event.scheduled_time, ...result }, "expired trials handled");
    return { ...result };
  },
};
