/**
 * Rights-request settings, merged into handlers' config (src/config.ts).
 */
import { z } from "zod";
import { parsePiiMasterKeys } from "../../../common/src/pii";
import { createRateLimiter } from "./rate-limit";
import { DEFAULT_VERIFICATION_TTL_MS, type RightsOptions } from "./services";

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
  /** How often the erasure worker looks for due calls besides being woken by an erasure. */
  HANDLERS_ERASURE_POLL_MS: z.coerce.number().int().min(100).default(30_000),
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
    integrationBaseUrls: config.HANDLERS_INTEGRATION_BASE_URLS,
    fetch: fetchImpl,
  };
}

