/**
 * Outbound integration calls: the base URL of each service (the platform's
 * API, a regional endpoint, or the connector holding its credentials; a local
 * fake in tests), shared by consent sync and the erasure calls of rights/,
 * which integrations take consent changes, and the consent sync worker's pace.
 * Merged into handlers' config (src/config.ts).
 */
import { z } from "zod";

const SERVICE_URL = /^([a-z0-9][a-z0-9-]*)=(https?:\/\/\S+)$/;

export const IntegrationSyncConfigSchema = z.object({
  /**
   * Base URL per integration service for outbound calls (consent sync here,
   * erasure in rights/): "service=url,service=url", e.g.
   * "mailchimp=https://connector.example/mailchimp,hubspot=https://...". A
   * service without an entry gets no calls; its jobs wait and are retried.
   */
  HANDLERS_INTEGRATION_BASE_URLS: z
    .string()
    .default("")
    .refine((v) => v.split(",").every((e) => e.trim() === "" || (SERVICE_URL.test(e.trim()) && URL.canParse(e.trim().split("=").slice(1).join("=")))), "must be service=http(s) URL pairs separated by commas")
    .transform((v): Readonly<Record<string, string>> => {
      const urls: Record<string, string> = {};
      for (const entry of v.split(",").map((e) => e.trim()).filter((e) => e !== "")) {
        const match = SERVICE_URL.exec(entry);
        if (match) urls[match[1]] = match[2].replace(/\/+$/, "");
      }
      return urls;
    }),
  /** How often the consent sync worker looks for due jobs besides being woken when one is queued. */
  HANDLERS_SYNC_POLL_MS: z.coerce.number().int().min(100).default(15_000),
  /** Attempts before a consent sync job is marked failed (kept, with its last error, for audit). */
  HANDLERS_SYNC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Timeout of one outbound consent call in milliseconds. */
  HANDLERS_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /**
   * conduit's public URL, the same value conduit reads: the custom-integration
   * actions put it into the webhook URLs they return.
   */
  CONDUIT_PUBLIC_BASE_URL: z.string().url().default("http://localhost:3001"),
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
