/**
 * Which integrations take consent changes, and the consent sync worker's
 * pace. The base URL of each service (the platform's API, a regional
 * endpoint, or the connector holding its credentials; a local fake in tests)
 * is the same per-service map the erasure calls use
 * (HANDLERS_INTEGRATION_BASE_URLS, rights/services.ts), passed in as
 * `baseUrls`.
 */
import { z } from "zod";

export const IntegrationSyncConfigSchema = z.object({
  /** How often the consent sync worker looks for due jobs besides being woken when one is queued. */
  HANDLERS_SYNC_POLL_MS: z.coerce.number().int().min(100).default(15_000),
  /** Attempts before a consent sync job is marked failed (kept, with its last error, for audit). */
  HANDLERS_SYNC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Timeout of one outbound consent call in milliseconds. */
  HANDLERS_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});
export type IntegrationSyncConfig = z.infer<typeof IntegrationSyncConfigSchema>;

/**
 * Platforms whose marketing consent (subscription status, communication
 * preferences) follows the subject's choice. The others hold data for
 * contract or legal reasons and get a `not_applicable` job on record.
 */
export const CONSENT_SYNC_SERVICES = ["mailchimp", "mailchimp-marketing", "klaviyo", "customer-io", "hubspot", "salesforce", "custom"] as const;
export type ConsentSyncService = (typeof CONSENT_SYNC_SERVICES)[number];

export function isConsentSyncService(service: string): service is ConsentSyncService {
  return (CONSENT_SYNC_SERVICES as readonly string[]).includes(service);
}
