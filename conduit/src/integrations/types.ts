/**
 * The shape every integration module implements (STYLE.md §3): verify the
 * platform's signature over the raw bytes, parse with zod, extract PII fields,
 * name the platform's event id. Modules know nothing of Express or storage.
 */
import type { RawPiiField } from "../../../common/src/pii";

export const SERVICE_NAMES = [
  "shopify",
  "stripe",
  "woocommerce",
  "mailchimp",
  "mailchimp-marketing",
  "customer-io",
  "klaviyo",
  "quickbooks",
  "eventbrite",
  "survey-monkey",
  "hubspot",
  "salesforce",
  "xero",
  "google-drive",
  "netsuite",
  "custom",
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/** A framework-free digest of an HTTP request (graphile grafserv's idea). */
export interface RawRequest {
  method: string;
  /** The public URL as the platform called it (configured base URL + path and query). */
  url: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  /** Exact body bytes as received. */
  body: Buffer;
}

export type VerifyFailureReason =
  | "missing_signature"
  | "bad_signature"
  | "stale_timestamp"
  | "missing_timestamp"
  | "tenant_mismatch";

/** Signature check outcome; the route maps every failure to 401 and logs the reason. */
export type Verification = { ok: true } | { ok: false; reason: VerifyFailureReason };

export interface VerifyContext {
  /** Accepted secrets, current first (rotation: any may match). */
  secrets: readonly string[];
  /** Injected clock for timestamp windows. */
  now: Date;
  /** The processor's platform checks (Salesforce organizationId, Google channel token...). */
  config: ProcessorChecks;
}

/** Platform checks kept in data_processors.config. */
export interface ProcessorChecks {
  salesforceOrganizationId?: string;
  googleChannelToken?: string;
  googleChannelId?: string;
  klaviyoWebhookId?: string;
  /** Accepted tolerance overrides in seconds, e.g. for Customer.io. */
  toleranceSeconds?: number;
  /** Region for national phone numbers from this platform. */
  defaultRegion?: string;
}

/** One platform event to store, before hashing. */
export interface PlatformEvent {
  eventType: string;
  /** The platform's own event id (dedupe key per integrations spec §2.4). */
  platformEventId?: string;
  triggeredAt?: Date;
  pii: RawPiiField[];
  /** Set when the event is a privacy request from the platform (Shopify compliance topics...). */
  rightsRequest?: "deletion" | "access";
}

/** What a delivery turned out to be. */
export type Delivery =
  | { kind: "handshake"; note: string }
  | { kind: "events"; events: PlatformEvent[] };

/** A non-JSON success answer a platform requires (Salesforce Ack, Xero empty body). */
export interface SuccessResponse {
  status: number;
  contentType?: string;
  body: string;
}

export interface ParseContext {
  checks: ProcessorChecks;
  /** Custom integrations: `{eventDefinitions, fieldMappings}` as stored on the processor. */
  custom?: { eventDefinitions: unknown; fieldMappings: unknown };
}

export interface Integration {
  service: ServiceName;
  /**
   * "signed": the platform signs every delivery and `verify` checks it.
   * "unsigned": the platform sends no signature (documented in the module and
   * README); conduit relies on its URL token plus the module's `verify` checks.
   */
  signing: "signed" | "unsigned";
  /** Methods other than POST that the platform uses for a URL check (answered 200 after auth). */
  handshakeMethods?: readonly ("GET" | "HEAD")[];
  /** Checks the platform signature (or, for unsigned platforms, what they allow) over the raw request. */
  verify(req: RawRequest, ctx: VerifyContext): Verification;
  /** Parses and validates the body (zod); throws ValidationError on bad input. */
  parse(req: RawRequest, ctx: ParseContext): Delivery;
  /** Success answer when the platform needs a particular one. */
  successResponse?(delivery: Delivery): SuccessResponse;
}
