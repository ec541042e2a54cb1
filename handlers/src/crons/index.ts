/**
 * Every cron-trigger module handlers ship, bound to their services. Names are
 * the cron trigger names in hasura/metadata/cron_triggers.yaml.
 */
import type { CronHandler } from "../registry";
import { consolidate_data_subjects } from "./consolidate_data_subjects";
import { bindCronModule } from "./define";
import { delete_expired_controllers } from "./delete_expired_controllers";
import { monthly_usage_check } from "./monthly_usage_check";
import { process_scheduled_events } from "./process_scheduled_events";
import { createRightsCronHandlers } from "../rights";
import type { CronServices } from "./services";
import { sweep_stranded_intake } from "./sweep_stranded_intake";
import { verify_domain_records } from "./verify_domain_records";

export type { CronServices } from "./services";

export function createCronHandlers(services: CronServices): CronHandler[] {
  return [
    bindCronModule(process_scheduled_events, services),
    bindCronModule(delete_expired_controllers, services),
    bindCronModule(monthly_usage_check, services),
    bindCronModule(verify_domain_records, services),
    bindCronModule(consolidate_data_subjects, services),
    bindCronModule(sweep_stranded_intake, services),
    ...(services.rights ? createRightsCronHandlers({ ...services, rights: services.rights }) : []),
  ];
}
