/** Cron trigger dsar_compliance_check (daily 08:00 UTC): rights/check-dsar-compliance.ts. */
import { checkDsarCompliance } from "../rights/check-dsar-compliance";
import type { RightsServices } from "../rights/services";
import type { CronModule } from "./define";

export const dsar_compliance_check: CronModule<RightsServices> = {
  name: "dsar_compliance_check",
  async handle(event, services, ctx) {
    const result = await checkDsarCompliance({ sdk: services.sdk, secretKeys: services.secretKeys, appBaseUrl: services.appBaseUrl, now: ctx.now, onEmailQueued: services.onEmailQueued });
    ctx.logger.info({ scheduledTime: event.scheduled_time, ...result }, "DSAR compliance checked");
    return { ...result };
  },
};
