/**
 * handlers/ entry point: `tsx handlers/src/main.ts`. The impure part only:
 * config, logger, app, listen, graceful shutdown (STYLE.md section 1).
 */
import type { Server } from "node:http";
import { ConfigError } from "../../common/src/config";
import { createLogger } from "../../common/src/logger";
import { createApp } from "./app";
import { loadConfig } from "./config";
import type { HandlersConfig } from "./config";

function readConfig(): HandlersConfig {
  try {
    return loadConfig(process.env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      // Names of the bad keys only; ConfigError never carries values.
      process.stderr.write(`[handlers] ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

function main(): void {
  const config = readConfig();
  const logger = createLogger({ name: "handlers", level: config.LOG_LEVEL });
  const app = createApp({ webhookSecret: config.HANDLERS_WEBHOOK_SECRET, logger, bodyLimitBytes: config.HANDLERS_BODY_LIMIT_BYTES });
  const server: Server = app.listen(config.HANDLERS_PORT, config.HANDLERS_HOST, () => {
    logger.info({ host: config.HANDLERS_HOST, port: config.HANDLERS_PORT }, "handlers listening");
  });
  server.on("error", (err: Error) => {
    logger.fatal({ err }, "handlers could not listen");
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "handlers shutting down");
    // Stop accepting, let in-flight deliveries finish, then force-close what is
    // left: Hasura retries anything that did not get an answer.
    const force = setTimeout(() => {
      logger.warn("shutdown timeout reached; closing remaining connections");
      server.closeAllConnections();
    }, config.HANDLERS_SHUTDOWN_TIMEOUT_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      logger.info("handlers stopped");
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.on("unhandledRejection", (reason: unknown) => {
    logger.error({ err: reason }, "unhandled rejection");
  });
}

main();
