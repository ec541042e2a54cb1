/**
 * conduit's configuration: the shared keys plus its own, parsed once in
 * main.ts. Secrets are named in errors, never shown.
 */
import { z } from "zod";
import { booleanString, parseEnv, SharedConfigSchema } from "../../common/src/config";

export const ConfigSchema = SharedConfigSchema.extend({
  /** Port conduit listens on. */
  CONDUIT_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** Interface to bind; 0.0.0.0 in containers. */
  CONDUIT_HOST: z.string().default("127.0.0.1"),
  /** Public base URL platforms call (Mandrill and HubSpot sign the URL), e.g. https://conduit.example.com. */
  CONDUIT_PUBLIC_BASE_URL: z.string().url().default("http://localhost:3001"),
  /** JWE keys for integration URL tokens: `k2:<base64url 32 bytes>,k1:<…>`, first is current. */
  CONDUIT_JWE_KEYS: z.string().min(1),
  /** AES-256-GCM keys for secrets at rest (webhook and signing secrets), same format. */
  SECRETS_ENCRYPTION_KEYS: z.string().min(1),
  /** PII hashing master keys: `2:<base64url 32 bytes>,1:<…>` (common/src/pii). */
  PII_HASH_KEYS: z.string().min(1),
  /** Region for national phone numbers when a platform gives none (ISO 3166 alpha-2). */
  PII_DEFAULT_REGION: z.string().regex(/^[A-Z]{2}$/).default("US"),
  /** Largest accepted webhook body, in bytes (Mandrill batches hold up to 1,000 events). */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  /** Requests per IP per window before 429. */
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(1000),
  /** Rate-limit window in milliseconds (15 minutes). */
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(15 * 60 * 1000),
  /** Redis URL for a rate-limit store shared by several replicas; unset = in memory. */
  RATE_LIMIT_REDIS_URL: z.string().url().optional(),
  /** Express "trust proxy" setting: hop count behind load balancers, for the client IP. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  /** De-duplication window: same controller, processor, event type and PII within it is skipped. */
  DEDUP_WINDOW_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Sabre SynXis polling interval; 0 (default) = this replica does not poll. Enable on one replica. */
  SABRE_POLL_INTERVAL_MS: z.coerce.number().int().min(0).default(0),
  /** Share GraphQL round trips between concurrent webhooks (window query and insert); on by default. */
  INTAKE_BATCHING: booleanString(true),
  /** Controller/processor lookup cache lifetime. */
  LOOKUP_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Parses `env`; throws ConfigError naming every bad key. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  return parseEnv(ConfigSchema, env);
}
