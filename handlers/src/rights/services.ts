/**
 * What rights-request code needs besides the handlers' common services:
 * the keyed-hash master keys (requester e-mail matched as privacy-domain.md
 * 12.2 requires), where exports are written and how they are linked, the
 * submission rate limit and the outbound integration clients.
 */
import type { PiiMasterKeys } from "../../../common/src/pii";
import type { VendorOptions } from "../adapters/vendors";
import type { HandlerServices } from "../events/services";
import type { RateLimiter } from "./rate-limit";

export interface RightsOptions {
  /** PII_HASH_KEYS: per-controller HMAC keys for the requester's e-mail hash. */
  piiKeys: PiiMasterKeys;
  /** HANDLERS_EXPORTS_DIR: access/portability exports are written under <dir>/<requestId>/. */
  exportsDir: string;
  /** Base URL the signed download links start with (HANDLERS_EXPORTS_BASE_URL; the route is GET <base>/exports/<id>/<file>). */
  exportBaseUrl: string;
  /** How long a download link works (HANDLERS_EXPORT_TTL_HOURS). */
  exportTtlMs: number;
  /** How long a verification link works. */
  verificationTtlMs: number;
  /** Submissions per client IP and organization (insertRightsRequest). */
  rateLimiter: RateLimiter;
  /** HANDLERS_TRUSTED_PROXY_HOPS: proxies in front of Hasura that append to X-Forwarded-For (default 1). */
  trustedProxyHops?: number;
  /** Base URL per integration service for erasure calls (HANDLERS_INTEGRATION_BASE_URLS). */
  integrationBaseUrls: Readonly<Record<string, string>>;
  /** Outbound HTTP for erasure calls (injected in tests). */
  fetch: typeof fetch;
  /**
   * Erasure in the vendors' own APIs (Mailchimp, Stripe: adapters/vendors),
   * for integrations whose credentials_ref resolves here; without it every
   * integration uses the connector protocol at integrationBaseUrls.
   */
  vendors?: VendorOptions;
  /** Wakes the erasure worker when an erasure queued calls (main.ts). */
  onErasureQueued?: () => void;
}

export type RightsServices = HandlerServices & { rights: RightsOptions };

/** The default verification link lifetime: 72 hours [policy]. */
export const DEFAULT_VERIFICATION_TTL_MS = 72 * 3600 * 1000;
/** Wrong tokens accepted before a request's link stops working (privacy-domain.md 4: limit attempts). */
export const MAX_VERIFICATION_ATTEMPTS = 5;
