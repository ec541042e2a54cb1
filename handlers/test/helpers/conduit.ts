/**
 * conduit (the real intake service) wired to a handlers test stack's engine,
 * so tests can send platform-signed webhooks end to end: conduit stores the
 * intake row, the engine fires webhook_intake_insert, handlers process it.
 */
import { parseKeyRing } from "../../../common/src/crypto";
import { parsePiiMasterKeys } from "../../../common/src/pii";
import { createApp } from "../../../conduit/src/app";
import { createGraphqlManagementStore } from "../../../conduit/src/management/store";
import type { ManagementDeps } from "../../../conduit/src/management/integrations";
import { createGraphqlStore } from "../../../conduit/src/store/graphql-store";
import { ADMIN_SECRET, SECRET_KEYS, type Stack } from "./stack";

export const CONDUIT_BASE_URL = "https://conduit.privacy.test";
export const CONDUIT_JWE_KEYS = `j1:${Buffer.alloc(32, 55).toString("base64url")}`;
/** The PII master key conduit hashes with in these tests. */
export const CONDUIT_PII_KEYS = `1:${Buffer.alloc(32, 66).toString("base64url")}`;

export function conduitFor(stack: Stack, options: { rateLimitMax?: number; /** conduit's lookup cache (LOOKUP_CACHE_TTL_MS); 0 sees every change at once. */ cacheTtlMs?: number } = {}) {
  const jweKeys = parseKeyRing(CONDUIT_JWE_KEYS);
  const secretKeys = parseKeyRing(SECRET_KEYS);
  const management: ManagementDeps = {
    store: createGraphqlManagementStore({ endpoint: stack.endpoint, adminSecret: ADMIN_SECRET }),
    jweKeys,
    secretKeys,
    publicBaseUrl: CONDUIT_BASE_URL,
    now: () => stack.clock.now,
  };
  const app = createApp({
    intake: {
      store: createGraphqlStore({ endpoint: stack.endpoint, adminSecret: ADMIN_SECRET, cacheTtlMs: options.cacheTtlMs ?? 60_000, timeoutMs: 10_000 }),
      jweKeys,
      secretKeys,
      piiKeys: parsePiiMasterKeys(CONDUIT_PII_KEYS),
      defaultRegion: "US",
      dedupWindowSeconds: 60,
      now: () => stack.clock.now,
    },
    logger: stack.logger,
    publicBaseUrl: CONDUIT_BASE_URL,
    bodyLimitBytes: 256 * 1024,
    rateLimit: { max: options.rateLimitMax ?? 100_000, windowMs: 60_000 },
    collectDefaultMetrics: false,
  });
  return { app, management };
}
