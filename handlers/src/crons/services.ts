/**
 * What the cron modules are bound to: the event services plus the DNS
 * resolver (DNS_RESOLVERS) that verify_domain_records uses and the
 * stranded-intake sweeper's settings.
 */
import type { TxtResolver } from "../dns/txt-resolver";
import type { HandlerServices } from "../events/services";
import type { IntakeSweepOptions } from "../intake/sweep-stranded-intake";

export interface CronServices extends HandlerServices {
  resolveTxt: TxtResolver;
  /** sweep_stranded_intake settings (HANDLERS_INTAKE_SWEEP_*); defaults when absent. */
  intakeSweep?: IntakeSweepOptions;
}
