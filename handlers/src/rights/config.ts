/**
 * Rights-request settings, merged into handlers' config (src/config.ts).
 */
import { z } from "zod";
import { parsePiiMasterKeys } from "../../../common/src/pii";
import { createRateLimiter } from "./rate-limit";
import { DEFAULT_VERIFICATION_TTL_MS, type RightsOptions } from "./services";

const ServiceUrlsSchema = z
  .string()
  .default("")
  .transform((text, ctx) => {
    const urls: Record<string, string> = {};
    for (const entry of text.split(",").map((s) => s.trim()).filter(Boolean)) {
      const eq = entry.indexOf("=");
      const service = entry.slice(0, eq).trim();
      const url = entry.slice(eq + 1).trim();
      if (eq <= 0 || !/^[a-z0-9_-]+$/.test(service) || !z.string().url().safeParse(url).success) {
        ctx.addIssue({ code: "custom", message: "must be service=url pairs separated by commas" });
        return z.NEVER;
      }
      urls[service] = url.replace(/\/+$/, "");
    }
    return urls;
  });

export const RightsConfigSchema = z.object({
  /** Keyed-hash master keys (`version:<base64url 32 bytes>,...`), the same as conduit's: the requester's e-mail is matched by its HMAC. */
  PII_HASH_KEYS: z.string().min(1),
  /** Directory where access/portability exports are written (<dir>/<requestId>/). */
  HANDLERS_EXPORTS_DIR: z.string().min(1).default(".data/exports"),
  /** Public base URL of handlers' GET /exports/... route, for download links in e-mails. */
  HANDLERS_EXPORTS_BASE_URL: z.string().url().default("http://localhost:3000"),
  /** Hours a download link works. */
  HANDLERS_EXPORT_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(7 * 24),
  /** Rights request submissions allowed per client address and organization per hour. */
  HANDLERS_RIGHTS_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Erasure endpoints per integration service: `shopify=https://...,stripe=https://...` (POST <url>/privacy/erasure). */
  HANDLERS_INTEGRATION_BASE_URLS: ServiceUrlsSchema,
  /** How often the erasure worker looks for due calls besides being woken by an erasure. */
  HANDLERS_ERASURE_POLL_MS: z.coerce.number().int().min(100).default(30_000),
});
export type RightsConfig = z.infer<typeof RightsConfigSchema>;

/** Builds the rights options from parsed configuration; throws when PII_HASH_KEYS is not a key list. */
export function rightsOptionsFromConfig(config: RightsConfig, fetchImpl: typeof fetch = fetch): RightsOptions {
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

