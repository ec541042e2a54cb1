/**
 * Which vendor adapter erases for an integration, if any: Mailchimp
 * (`mailchimp`, `mailchimp-marketing`: needs `config.listId` or
 * `config.audienceId`), Stripe (`stripe`), HubSpot (`hubspot`) and Klaviyo
 * (`klaviyo`), each only when the integration
 * names its API credential (`data_processors.credentials_ref`) and that
 * reference resolves in HANDLERS_VENDOR_CREDENTIALS. Otherwise null: the
 * integration falls back to the connector protocol (rights/integration-client.ts)
 * when HANDLERS_INTEGRATION_BASE_URLS has an entry for it, else it gets a
 * `not_applicable` step.
 */
import { createHubspotEraser } from "./hubspot";
import { createKlaviyoEraser } from "./klaviyo";
import { createMailchimpEraser } from "./mailchimp";
import { createStripeEraser } from "./stripe";
import type { VendorEraser } from "./erasure";

export type { ErasureCallResult, VendorEraser } from "./erasure";
export { mailchimpSubscriberHash } from "./mailchimp";

export interface VendorOptions {
  /** HANDLERS_VENDOR_CREDENTIALS: secret per credentials_ref. */
  credentials: Readonly<Record<string, string>>;
  /** HANDLERS_VENDOR_API_BASE_URLS: base URL per service, overriding the vendor's public one. */
  baseUrls: Readonly<Record<string, string>>;
  fetch: typeof fetch;
  timeoutMs: number;
}

export interface VendorTarget {
  service: string;
  credentialsRef: string | null;
  config: Record<string, unknown>;
}

export function vendorEraserFor(target: VendorTarget, options: VendorOptions): VendorEraser | null {
  const secret = target.credentialsRef ? options.credentials[target.credentialsRef] : undefined;
  if (!secret) return null;
  const http = { fetch: options.fetch, timeoutMs: options.timeoutMs };
  const baseUrl = options.baseUrls[target.service];
  switch (target.service) {
    case "mailchimp":
    case "mailchimp-marketing": {
      const listId = target.config["listId"] ?? target.config["audienceId"];
      if (typeof listId !== "string" || listId === "") return null;
      return createMailchimpEraser({ apiKey: secret, listId, service: target.service, ...(baseUrl ? { baseUrl } : {}), ...http });
    }
    case "stripe":
      return createStripeEraser({ secretKey: secret, ...(baseUrl ? { baseUrl } : {}), ...http });
    case "hubspot":
      return createHubspotEraser({ accessToken: secret, ...(baseUrl ? { baseUrl } : {}), ...http });
    case "klaviyo":
      return createKlaviyoEraser({ privateKey: secret, ...(baseUrl ? { baseUrl } : {}), ...http });
    default:
      return null;
  }
}
