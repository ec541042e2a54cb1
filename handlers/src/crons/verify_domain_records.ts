/** Cron trigger verify_domain_records (every 15 minutes): dns/verify-domain-records.ts. */
import { verifyDomainRecords } from "../dns/verify-domain-records";
import type { CronModule } from "./define";
import type { CronServices } from "./services";

export const verify_domain_records: CronModule<CronServices> = {
  name: "verify_domain_records",
  async handle(event, services, ctx) {
    const result = await verifyDomainRecords({ sdk: services.sdk, resolveTxt: services.resolveTxt, logger: ctx.logger, now: ctx.now });
    ctx.logger.info({ scheduledTime: event.scheduled_time, ...result }, "domain records verified");
    return { ...result };
  },
};
