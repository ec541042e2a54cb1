/**
 * conduit start-up: the impure part (STYLE.md §1). Reads the environment once,
 * builds the adapters, listens, and closes gracefully on SIGTERM/SIGINT.
 */
import type { Server } from "node:http";
import { parseKeyRing } from "../../common/src/crypto";
import { ConfigError } from "../../common/src/config";
import { createLogger } from "../../common/src/logger";
import { parsePiiMasterKeys } from "../../common/src/pii";
import { createApp } from "./app";
import { loadConfig, type Config } from "./config";
import { createGraphqlStore } from "./store/graphql-store";
import { createRedisRateLimitStore } from "./http/redis-store";
import { startSabrePoller } from "./sabre/poller";
import { createSabreProcessorSource } from "./sabre/store";

async function start(config: Config): Promise<Server> {
  const logger = createLogger({ name: "conduit", level: config.LOG_LEVEL });
  const store = createGraphqlStore({
    endpoint: config.HASURA_GRAPHQL_ENDPOINT,
    adminSecret: config.HASURA_GRAPHQL_ADMIN_SECRET,
    cacheTtlMs: config.LOOKUP_CACHE_TTL_MS,
    batching: config.INTAKE_BATCHING,
  });
  const redis = config.RATE_LIMIT_REDIS_URL ? await createRedisRateLimitStore(config.RATE_LIMIT_REDIS_URL, { logger: logger.child({ component: "rate-limit" }) }) : undefined;
  const app = createApp({
    logger,
    publicBaseUrl: config.CONDUIT_PUBLIC_BASE_URL,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    rateLimit: { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS, store: redis?.store },
    trustProxyHops: config.TRUST_PROXY_HOPS,
    intake: {
      store,
      jweKeys: parseKeyRing(config.CONDUIT_JWE_KEYS, "CONDUIT_JWE_KEYS"),
      secretKeys: parseKeyRing(config.SECRETS_ENCRYPTION_KEYS, "SECRETS_ENCRYPTION_KEYS"),
      piiKeys: parsePiiMasterKeys(config.PII_HASH_KEYS),
      defaultRegion: config.PII_DEFAULT_REGION,
      dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS,
      now: () => new Date(),
    },
    healthChecks: [
      {
        name: "graphql",
        check: async () => {
          const res = await fetch(config.HASURA_GRAPHQL_ENDPOINT.replace(/\/v1\/graphql$/, "/healthz"), { signal: AbortSignal.timeout(1500) });
          return res.ok;
        },
      },
    ],
  });
  const sabre =
    config.SABRE_POLL_INTERVAL_MS > 0
      ? startSabrePoller(
          {
            store,
            ...createSabreProcessorSource({ endpoint: config.HASURA_GRAPHQL_ENDPOINT, adminSecret: config.HASURA_GRAPHQL_ADMIN_SECRET }),
            secretKeys: parseKeyRing(config.SECRETS_ENCRYPTION_KEYS, "SECRETS_ENCRYPTION_KEYS"),
            piiKeys: parsePiiMasterKeys(config.PII_HASH_KEYS),
            defaultRegion: config.PII_DEFAULT_REGION,
            dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS,
            now: () => new Date(),
            logger,
          },
          config.SABRE_POLL_INTERVAL_MS,
        )
      : undefined;
  const server = app.listen(config.CONDUIT_PORT, config.CONDUIT_HOST);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  logger.info({ port: config.CONDUIT_PORT, host: config.CONDUIT_HOST }, "conduit listening");

  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "conduit closing");
    // Finish in-flight deliveries (their rows commit before they answer), then exit.
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    server.close(() => {
      void Promise.all([sabre?.stop(), redis?.close()]).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.once("SIGTERM", () => close("SIGTERM"));
  process.once("SIGINT", () => close("SIGINT"));
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));
  return server;
}

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      process.stderr.write(`conduit: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  start(config).catch((err: unknown) => {
    process.stderr.write(`conduit: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

export { start };
