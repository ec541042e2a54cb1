/**
 * engine/ configuration from the environment, with Hasura's own variable names
 * (contract 8.3; docs: deployment/graphql-engine-flags/reference).
 */
import { z } from "zod";
import { booleanString, LOG_LEVELS, parseEnv } from "../../common/src/config";

export const EngineConfigSchema = z
  .object({
    /** Postgres URL of the default source; DATABASE_URL is the fallback. */
    HASURA_GRAPHQL_DATABASE_URL: z.string().min(1).optional(),
    DATABASE_URL: z.string().min(1).optional(),
    /** Enables auth; required for JWT mode and the unauthorized role. */
    HASURA_GRAPHQL_ADMIN_SECRET: z.string().min(1).optional(),
    /** Hasura's JWT config JSON (contract 4.2). */
    HASURA_GRAPHQL_JWT_SECRET: z.string().min(1).optional(),
    /** Role for requests without credentials. */
    HASURA_GRAPHQL_UNAUTHORIZED_ROLE: z.string().min(1).optional(),
    HASURA_GRAPHQL_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HASURA_GRAPHQL_SERVER_HOST: z.string().min(1).default("0.0.0.0"),
    /** The Hasura project served (config.yaml + metadata/); `--project` wins. */
    HASURA_GRAPHQL_PROJECT_DIR: z.string().min(1).optional(),
    HASURA_PROJECT_DIR: z.string().min(1).optional(),
    /** bigint, numeric and float8 as JSON strings. */
    HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES: booleanString(false),
    /** GraphiQL at / and /console. */
    HASURA_GRAPHQL_ENABLE_CONSOLE: booleanString(true),
    /** Comma separated allowed origins (`*` wildcards); every origin when unset. */
    HASURA_GRAPHQL_CORS_DOMAIN: z.string().min(1).optional(),
    HASURA_GRAPHQL_DISABLE_CORS: booleanString(false),
    /** Postgres connections of the engine's pool. */
    HASURA_GRAPHQL_PG_CONNECTIONS: z.coerce.number().int().positive().default(20),
    /** Live query refetch interval in ms (Hasura's default 1000). */
    HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL: z.coerce.number().int().positive().default(1000),
    /** Live query cohorts polled at once per query (Hasura's default 100). */
    HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_BATCH_SIZE: z.coerce.number().int().positive().default(100),
    /** Streaming subscription refetch interval in ms (Hasura's default 1000). */
    HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_REFETCH_INTERVAL: z.coerce.number().int().positive().default(1000),
    /** Streaming subscription cohorts polled at once per query (Hasura's default 100). */
    HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_BATCH_SIZE: z.coerce.number().int().positive().default(100),
    /** Seconds between WebSocket keep-alive messages (Hasura's default 5). */
    HASURA_GRAPHQL_WEBSOCKET_KEEPALIVE: z.coerce.number().int().positive().default(5),
    /** Seconds a graphql-transport-ws client has to send connection_init (Hasura's default 3). */
    HASURA_GRAPHQL_WEBSOCKET_CONNECTION_INIT_TIMEOUT: z.coerce.number().int().positive().default(3),
    /** Open WebSocket connections at most (ours; further upgrades answer 503). */
    ENGINE_WS_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1000),
    /** Running subscriptions per WebSocket connection at most (ours). */
    ENGINE_WS_MAX_OPERATIONS_PER_CONNECTION: z.coerce.number().int().positive().default(100),
    /** Engine processes sharing the port (ours; engine/src/cluster.ts). 1 = no cluster. */
    ENGINE_WORKERS: z.coerce.number().int().positive().max(64).default(1),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  })
  // `when` runs the check even when other keys are invalid, so every problem is listed at once.
  .refine((c) => Boolean(c.HASURA_GRAPHQL_DATABASE_URL || c.DATABASE_URL), { message: "is required", path: ["HASURA_GRAPHQL_DATABASE_URL"], when: () => true });
export type EngineConfig = z.infer<typeof EngineConfigSchema>;

/** Parses env and command-line flags (`--project <dir>`, `--port <n>`). Throws ConfigError naming bad keys. */
export function loadEngineConfig(env: Record<string, string | undefined>, argv: readonly string[] = []): EngineConfig & { projectDir: string; databaseUrl: string } {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(project|port)(?:=(.*))?$/.exec(argv[i]);
    if (m) flags[m[1]] = m[2] ?? argv[++i] ?? "";
  }
  const config = parseEnv(EngineConfigSchema, {
    ...env,
    ...(flags.port !== undefined ? { HASURA_GRAPHQL_SERVER_PORT: flags.port } : {}),
  });
  return {
    ...config,
    projectDir: flags.project || config.HASURA_GRAPHQL_PROJECT_DIR || config.HASURA_PROJECT_DIR || "hasura",
    databaseUrl: (config.HASURA_GRAPHQL_DATABASE_URL ?? config.DATABASE_URL) as string,
  };
}
