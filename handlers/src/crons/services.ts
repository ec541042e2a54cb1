/**
 * What the cron modules are bound to: the event services plus the DNS
 * resolver (DNS_RESOLVERS) that verify_domain_records uses.
 */
import type { TxtResolver } from "../dns/txt-resolver";
import type { HandlerServices } from "../events/services";

export interface CronServices extends HandlerServices {
  resolveTxt: TxtResolver;
}
