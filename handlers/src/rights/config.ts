/**
 * Rights-request settings, merged into handlers' config (src/config.ts).
 */
import { z } from "zod";
import { parsePiiMasterKeys } from "../../../common/src/pii";
import type { VendorOptions } from "../adapters/vendors";
import { createRateLimiter } from "./rate-limit";
import { DEFAULT_VERIFICATION_TTL_MS, type RightsOptions } from "./services";

/** "key=value,key=value" into a record; each entry must match `entry` (two groups); empty means none. */
function pairList(message: string, entry: RegExp) {
  return z
    .string()
    .default("")
    .refine((v) => v.split(",").every((e) => e.trim() === "" || entry.test(e.trim())), message)
    .transform((v): Readonly<Record<string, string>> => {
      const pairs: Record<string, string> = {};
      for (const item of v.split(",").map((e) => e.trim()).filter((e) => e !== "")) {
        const match = entry.exec(item);
        if (match) pairs[match[1]] = match[2];
      }
      return pairs;
    });
}

export const RightsConfigSchema = z.object({
  /**
   * Keyed-hash master keys (`version:<base64url 32 bytes>,...`), the same as
   * conduit's: the requester's e-mail is matched by its HMAC. Without it the
   * rights triggers, actions and cron are not registered (main.ts warns).
   */
  PII_HASH_KEYS: z.string().min(1).optional(),
  /** Directory where access/portability exports are written (<dir>/<requestId>/). */
  HANDLERS_EXPORTS_DIR: z.string().min(1).default(".data/exports"),
  /** Public base URL of handlers' GET /exports/... route, for download links in e-mails. */
  HANDLERS_EXPORTS_BASE_URL: z.string().url().default("http://localhost:3000"),
  /** Hours a download link works. */
  HANDLERS_EXPORT_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(7 * 24),
  /** Rights request submissions allowed per client address and organization per hour. */
  HANDLERS_RIGHTS_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  /**
   * Proxies in front of Hasura that append the connecting address to
   * X-Forwarded-For (a load balancer: 1). The rights submission rate limit
   * keys on the entry this many places from the right; entries further left
   * are written by the caller and ignored.
   */
  HANDLERS_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  /** How often the erasure worker looks for due calls besides being woken by an erasure. */
  HANDLERS_ERASURE_POLL_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * Vendor API credentials for erasure calls in the vendor's own API
   * (adapters/vendors): "ref=secret,ref=secret", where ref is an
   * integration's data_processors.credentials_ref (the row names the secret,
   * never holds it). E.g. "acme-mailchimp=<api key>-us6,acme-stripe=sk_live_...".
   */
  HANDLERS_VENDOR_CREDENTIALS: pairList("ref=secret pairs separated by commas", /^([A-Za-z0-9][A-Za-z0-9._:/-]*)=(\S+)$/),
  /**
   * Base URL per vendor service, overriding the vendor's public API
   * ("mailchimp=https://us6.api.mailchimp.com/3.0,stripe=https://api.stripe.com"):
   * a regional endpoint, an egress proxy, or a local fake in tests.
   */
  HANDLERS_VENDOR_API_BASE_URLS: pairList("service=http(s) URL pairs separated by commas", /^([a-z0-9][a-z0-9-]*)=(https?:\/\/\S+)$/),
});
export type RightsConfig = z.infer<typeof RightsConfigSchema>;

/**
 * Builds the rights options from parsed configuration, or null without
 * PII_HASH_KEYS; throws when PII_HASH_KEYS is not a key list. Erasure calls go
 * to the same per-service base URLs as consent sync
 * (HANDLERS_INTEGRATION_BASE_URLS, src/integrations/config.ts), path
 * /privacy/erasure.
 */
export function rightsOptionsFromConfig(
  config: RightsConfig & { HANDLERS_INTEGRATION_BASE_URLS: Readonly<Record<string, string>> },
  fetchImpl: typeof fetch = fetch,
): RightsOptions | null {
  if (!config.PII_HASH_KEYS) return null;
  return {
    piiKeys: parsePiiMasterKeys(config.PII_HASH_KEYS),
    exportsDir: config.HANDLERS_EXPORTS_DIR,
    exportBaseUrl: config.HANDLERS_EXPORTS_BASE_URL.replace(/\/+$/, ""),
    exportTtlMs: config.HANDLERS_EXPORT_TTL_HOURS * 3_600_000,
    verificationTtlMs: DEFAULT_VERIFICATION_TTL_MS,
    rateLimiter: createRateLimiter({ limit: config.HANDLERS_RIGHTS_RATE_LIMIT_PER_HOUR, windowMs: 3_600_000 }),
    trustedProxyHops: config.HANDLERS_TRUSTED_PROXY_HOPS,
    integrationBaseUrls: config.HANDLERS_INTEGRATION_BASE_URLS,
    fetch: fetchImpl,
    vendors: {
      credentials: config.HANDLERS_VENDOR_CREDENTIALS,
      baseUrls: Object.fromEntries(Object.entries(config.HANDLERS_VENDOR_API_BASE_URLS).map(([k, v]) => [k, v.replace(/\/+$/, "")])),
      fetch: fetchImpl,
      timeoutMs: 15_000,
    } satisfies VendorOptions,
  };
}

