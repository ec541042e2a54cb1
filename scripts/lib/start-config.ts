/**
 * What `npm start` reads from the environment, and the development defaults it
 * fills in. Parsed once by scripts/start.ts; the resolved values are passed to
 * every child service through its environment.
 *
 * Defaults, and why:
 * - HASURA_GRAPHQL_ADMIN_SECRET, HANDLERS_WEBHOOK_SECRET: random per run when
 *   unset (nothing stored depends on them), printed once so a developer can
 *   use the admin secret with curl or the GraphQL API.
 * - HASURA_GRAPHQL_JWT_SECRET: a random HS256 key per run when unset.
 * - PII_HASH_KEYS, SECRETS_ENCRYPTION_KEYS: the demo keys the seeds were
 *   derived with (hasura/scripts/demo-credentials.ts), so the seeded demo
 *   organization works; CONDUIT_JWE_KEYS: a fixed development key, so
 *   integration URLs survive a restart. All three are public: never use them
 *   outside a laptop (README.md says so, and start prints a warning).
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { LOG_LEVELS, parseEnv } from "../../common/src/config";
import { DEMO_PII_HASH_KEYS, DEMO_SECRETS_ENCRYPTION_KEYS } from "../../hasura/scripts/demo-credentials";

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const StartEnvSchema = z.object({
  /** Postgres to use; unset = embedded Postgres with data in EMBEDDED_PG_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Data directory of the embedded Postgres (git-ignored). */
  EMBEDDED_PG_DATA_DIR: z.string().min(1).default(".data/postgres"),
  /** Port of the embedded Postgres (5433, not 5432, to stay clear of a system Postgres). */
  EMBEDDED_PG_PORT: port(5433),
  /** Database created and used inside the embedded Postgres. */
  EMBEDDED_PG_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/).default("privacy_platform"),
  /** A running Hasura (or engine/) GraphQL endpoint; set = engine/ is not started and migrations are left to it. */
  HASURA_GRAPHQL_ENDPOINT: z.string().url().optional(),
  HASURA_GRAPHQL_ADMIN_SECRET: z.string().min(1).optional(),
  /** Hasura JWT config JSON, e.g. {"type":"HS256","key":"<at least 32 characters>"}. */
  HASURA_GRAPHQL_JWT_SECRET: z.string().min(1).optional(),
  /** Role for requests without credentials (the metadata grants `anonymous` the public actions). */
  HASURA_GRAPHQL_UNAUTHORIZED_ROLE: z.string().min(1).default("anonymous"),
  /** engine/ HTTP port. */
  ENGINE_PORT: port(8080),
  HANDLERS_PORT: port(3000),
  CONDUIT_PORT: port(3001),
  /** Base URL Hasura uses for crons and actions: {{HANDLERS_BASE_URL}}/crons/<name>, /actions/<name>. */
  HANDLERS_BASE_URL: z.string().url().optional(),
  /** Event-trigger webhook (handlers dispatch on trigger.name). */
  HANDLERS_EVENT_WEBHOOK_URL: z.string().url().optional(),
  HANDLERS_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Outgoing mail; unset = the local mail catcher is started. */
  SMTP_URL: z.string().url().optional(),
  MAIL_SMTP_PORT: port(1025),
  MAIL_WEB_PORT: port(8025),
  PII_HASH_KEYS: z.string().min(1).optional(),
  SECRETS_ENCRYPTION_KEYS: z.string().min(1).optional(),
  CONDUIT_JWE_KEYS: z.string().min(1).optional(),
  /** Comma-separated subset of engine,handlers,conduit to start; default all that exist. */
  START_SERVICES: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? undefined : v.split(",").map((s) => s.trim()).filter(Boolean)))
    .pipe(z.array(z.enum(["engine", "handlers", "conduit"])).optional()),
  /** How long each service may take to answer /healthz. */
  START_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** How long a service answering /healthz with a non-2xx status is given to turn healthy before it is reported degraded. */
  START_DEGRADED_GRACE_MS: z.coerce.number().int().positive().default(15_000),
  /** How long each service may take to exit after SIGTERM before SIGKILL. */
  START_STOP_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});
export type StartEnv = z.infer<typeof StartEnvSchema>;

/** A fixed 32-byte development key derived from a label (public; development only). */
function devKey(label: string): string {
  return createHash("sha256").update(label, "utf8").digest("base64url");
}

export const DEV_CONDUIT_JWE_KEYS = `dev:${devKey("privacy-platform development conduit jwe key")}`;

export interface ResolvedStartConfig extends StartEnv {
  HASURA_GRAPHQL_ADMIN_SECRET: string;
  HASURA_GRAPHQL_JWT_SECRET: string;
  HANDLERS_WEBHOOK_SECRET: string;
  PII_HASH_KEYS: string;
  SECRETS_ENCRYPTION_KEYS: string;
  CONDUIT_JWE_KEYS: string;
  HANDLERS_BASE_URL: string;
  HANDLERS_EVENT_WEBHOOK_URL: string;
  /** Names of the variables that got a generated or development default. */
  generated: string[];
  /** Names of the variables set to public development keys. */
  devKeys: string[];
}

/** Parses the environment (ConfigError on bad keys) and fills in the defaults above. */
export function resolveStartConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  random: (size: number) => Buffer = (size) => randomBytes(size),
): ResolvedStartConfig {
  const parsed = parseEnv(StartEnvSchema, env);
  const generated: string[] = [];
  const devKeys: string[] = [];
  const pick = (name: string, value: string | undefined, make: () => string, list: string[]): string => {
    if (value !== undefined) return value;
    list.push(name);
    return make();
  };
  const handlersBase = parsed.HANDLERS_BASE_URL ?? `http://127.0.0.1:${parsed.HANDLERS_PORT}`;
  return {
    ...parsed,
    HASURA_GRAPHQL_ADMIN_SECRET: pick("HASURA_GRAPHQL_ADMIN_SECRET", parsed.HASURA_GRAPHQL_ADMIN_SECRET, () => `dev-${random(18).toString("base64url")}`, generated),
    HASURA_GRAPHQL_JWT_SECRET: pick(
      "HASURA_GRAPHQL_JWT_SECRET",
      parsed.HASURA_GRAPHQL_JWT_SECRET,
      () => JSON.stringify({ type: "HS256", key: random(32).toString("hex") }),
      generated,
    ),
    HANDLERS_WEBHOOK_SECRET: pick("HANDLERS_WEBHOOK_SECRET", parsed.HANDLERS_WEBHOOK_SECRET, () => random(24).toString("base64url"), generated),
    PII_HASH_KEYS: pick("PII_HASH_KEYS", parsed.PII_HASH_KEYS, () => DEMO_PII_HASH_KEYS, devKeys),
    SECRETS_ENCRYPTION_KEYS: pick("SECRETS_ENCRYPTION_KEYS", parsed.SECRETS_ENCRYPTION_KEYS, () => DEMO_SECRETS_ENCRYPTION_KEYS, devKeys),
    CONDUIT_JWE_KEYS: pick("CONDUIT_JWE_KEYS", parsed.CONDUIT_JWE_KEYS, () => DEV_CONDUIT_JWE_KEYS, devKeys),
    HANDLERS_BASE_URL: handlersBase,
    HANDLERS_EVENT_WEBHOOK_URL: parsed.HANDLERS_EVENT_WEBHOOK_URL ?? `${handlersBase.replace(/\/$/, "")}/events`,
    generated,
    devKeys,
  };
}
