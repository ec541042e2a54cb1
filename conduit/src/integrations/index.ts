/** Name → integration module. Unknown names are a 404 at the route. */
import { customerIo } from "./customer-io";
import { custom } from "./custom";
import { eventbrite } from "./eventbrite";
import { googleDrive } from "./google-drive";
import { hubspot } from "./hubspot";
import { klaviyo } from "./klaviyo";
import { mailchimp } from "./mailchimp";
import { mailchimpMarketing } from "./mailchimp-marketing";
import { netsuite } from "./netsuite";
import { quickbooks } from "./quickbooks";
import { salesforce } from "./salesforce";
import { shopify } from "./shopify";
import { stripe } from "./stripe";
import { surveyMonkey } from "./survey-monkey";
import type { Integration, ServiceName } from "./types";
import { woocommerce } from "./woocommerce";
import { xero } from "./xero";

export const INTEGRATIONS: Readonly<Record<ServiceName, Integration>> = {
  shopify,
  stripe,
  woocommerce,
  mailchimp,
  "mailchimp-marketing": mailchimpMarketing,
  "customer-io": customerIo,
  klaviyo,
  quickbooks,
  eventbrite,
  "survey-monkey": surveyMonkey,
  hubspot,
  salesforce,
  xero,
  "google-drive": googleDrive,
  netsuite,
  custom,
};

/** Services with conduit's own customer-redact endpoint (the list). */
export const REDACT_SERVICES: ReadonlySet<ServiceName> = new Set<ServiceName>([
  "stripe", "mailchimp", "mailchimp-marketing", "woocommerce", "salesforce", "xero",
]);

export * from "./types";
