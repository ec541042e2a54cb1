/**
 * Starts the engine: config from env and flags, createEngine, listen, and a
 * graceful close on SIGTERM/SIGINT. `node --import tsx engine/src/main.ts --project hasura`.
 * With ENGINE_WORKERS > 1 this process becomes the cluster's primary and each
 * worker runs the same start-up (engine/src/cluster.ts).
 */
import type { Server } from "node:http";
import { ConfigError } from "../../common/src/config";
import { createLogger } from "../../common/src/logger";
import { loadEngineConfig } from "./config";
import { createEngine, DEFAULT_VERSION } from "./server";
import type { EngineExtension } from "./extensions";
import { createActionsExtension } from "./actions/extension";
import { createCronsExtension } from "./crons/extension";
import { createEventsExtension } from "./events/extension";
import { migrationsAtStartConfig, runMigrationsAtStart } from "./migrations/at-start";
import { clusterWorkerIndex, createWorkerLink, extensionsForWorker, runPrimary } from "./cluster";

/** Extensions wired into the running engine (events, crons, actions register here). */
function extensions(): EngineExtension[] {
  return [
    createEventsExtension({ serverVersion: DEFAULT_VERSION }),
    createCronsExtension({ serverVersion: DEFAULT_VERSION }),
    createActionsExtension(),
  ];
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadEngineConfig(process.env, process.argv.slice(2));
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      process.stderr.write(`engine: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const workerIndex = clusterWorkerIndex();
  const logger = createLogger({ name: "engine", level: config.LOG_LEVEL }).child(workerIndex === null ? {} : { worker: workerIndex });
  if (workerIndex === null) {
    // Before the metadata is loaded: tracked tables must exist (contract 7.5). Once per cluster.
    const migrations = migrationsAtStartConfig(process.env, process.argv.slice(2), config.projectDir);
    if (migrations.enabled) await runMigrationsAtStart(config.databaseUrl, migrations.migrationsDir, logger);
    if (config.ENGINE_WORKERS > 1) {
      await runPrimary({ workers: config.ENGINE_WORKERS, logger });
      return;
    }
  }
  const link = workerIndex === null ? null : createWorkerLink(logger);
  const engine = await createEngine({
    databaseUrl: config.databaseUrl,
    projectDir: config.projectDir,
    adminSecret: config.HASURA_GRAPHQL_ADMIN_SECRET ?? null,
    jwtSecret: config.HASURA_GRAPHQL_JWT_SECRET ?? null,
    unauthorizedRole: config.HASURA_GRAPHQL_UNAUTHORIZED_ROLE ?? null,
    stringifyNumeric: config.HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES,
    enableConsole: config.HASURA_GRAPHQL_ENABLE_CONSOLE,
    poolSize: config.HASURA_GRAPHQL_PG_CONNECTIONS,
    corsDomains: config.HASURA_GRAPHQL_CORS_DOMAIN ? config.HASURA_GRAPHQL_CORS_DOMAIN.split(",").map((d) => d.trim()) : null,
    disableCors: config.HASURA_GRAPHQL_DISABLE_CORS,
    subscriptions: {
      liveRefetchMs: config.HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL,
      liveBatchSize: config.HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_BATCH_SIZE,
      streamRefetchMs: config.HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_REFETCH_INTERVAL,
      streamBatchSize: config.HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_BATCH_SIZE,
      keepAliveMs: config.HASURA_GRAPHQL_WEBSOCKET_KEEPALIVE * 1000,
      initTimeoutMs: config.HASURA_GRAPHQL_WEBSOCKET_CONNECTION_INIT_TIMEOUT * 1000,
      maxConnections: config.ENGINE_WS_MAX_CONNECTIONS,
      maxOperationsPerConnection: config.ENGINE_WS_MAX_OPERATIONS_PER_CONNECTION,
    },
    env: process.env,
    logger,
    // In a cluster only worker 0 runs the background loops, and metadata changes are relayed to the other workers.
    extensions: link ? extensionsForWorker(extensions(), workerIndex === 0) : extensions(),
    onMetadataChanged: link ? (change) => link.changed(change) : undefined,
  });
  const server: Server = engine.app.listen(config.HASURA_GRAPHQL_SERVER_PORT, config.HASURA_GRAPHQL_SERVER_HOST, () => {
    logger.info({ port: config.HASURA_GRAPHQL_SERVER_PORT, project: config.projectDir }, "engine listening");
    link?.ready();
  });
  link?.listen(engine);
  // Subscriptions and WebSocket operations share the HTTP port (contract 8.1).
  engine.attachWebSocket(server);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "engine stopping");
    server.close(() => {
      engine.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, "engine close failed");
          process.exit(1);
        },
      );
    });
    // Open WebSockets would keep the server from closing: they end now (1012), HTTP requests in flight finish.
    void engine.closeWebSockets();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));
}

main().catch((err: unknown) => {
  process.stderr.write(`engine: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
