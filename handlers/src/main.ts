/**
 * handlers/ entry point: `tsx handlers/src/main.ts`. The impure part only:
 * config, logger, app, listen, graceful shutdown (STYLE.md section 1).
 */
import type { Server } from "node:http";
import { ConfigError } from "../../common/src/config";
import { parseKeyRing } from "../../common/src/crypto";
import { createLogger } from "../../common/src/logger";
import { createGraphqlRunner } from "./adapters/graphql";
import { createGraphqlManagementStore } from "../../conduit/src/management/store";
import { createSmtpTransport } from "./adapters/mailer";
import { createHandlersSdk } from "./adapters/sdk";
import { createActionHandlers } from "./actions";
import { createApp } from "./app";
import { loadConfig } from "./config";
import type { HandlersConfig } from "./config";
import { createCronHandlers } from "./crons";
import { createTxtResolver } from "./dns/txt-resolver";
import { createEventHandlers } from "./events";
import { intakeSweepOptionsFromConfig } from "./intake/config";
import { createIntegrationClient } from "./integrations/client";
import { runDueSyncJobs } from "./integrations/run-sync-jobs";
import { deliverDueEmails } from "./mail/deliver-due-emails";
import { createOutboxDispatcher } from "./mail/dispatcher";
import { createRegistry } from "./registry";
import { rightsOptionsFromConfig } from "./rights/config";
import { exportDownloadRouter } from "./rights/export-links";
import { runErasureJobs } from "./rights/run-erasure-jobs";

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
  let secretKeys;
  try {
    secretKeys = parseKeyRing(config.SECRETS_ENCRYPTION_KEYS, "SECRETS_ENCRYPTION_KEYS");
  } catch {
    process.stderr.write("[handlers] Invalid configuration: SECRETS_ENCRYPTION_KEYS: is not a key ring (kid:<base64url 32 bytes>,...)\n");
    process.exit(2);
  }
  const sdk = createHandlersSdk(createGraphqlRunner({ endpoint: config.HASURA_GRAPHQL_ENDPOINT, adminSecret: config.HASURA_GRAPHQL_ADMIN_SECRET }));
  const transport = createSmtpTransport(config.SMTP_URL);
  const now = () => new Date();
  const outbox = createOutboxDispatcher({
    deliver: () => deliverDueEmails({ sdk, transport, secretKeys, from: config.MAIL_FROM, now, logger: logger.child({ component: "outbox" }), maxAttempts: config.HANDLERS_MAIL_MAX_ATTEMPTS }),
    intervalMs: config.HANDLERS_MAIL_POLL_MS,
    logger,
  });
  // Consent changes reach the integrations through integration_sync_jobs; the
  // same dispatcher as the outbox runs the worker on a timer and when woken.
  const integrationClient = createIntegrationClient({ baseUrls: config.HANDLERS_INTEGRATION_BASE_URLS, timeoutMs: config.HANDLERS_SYNC_TIMEOUT_MS });
  const consentSync = createOutboxDispatcher({
    deliver: () => runDueSyncJobs({ sdk, client: integrationClient, now, logger: logger.child({ component: "consent-sync" }), maxAttempts: config.HANDLERS_SYNC_MAX_ATTEMPTS }),
    intervalMs: config.HANDLERS_SYNC_POLL_MS,
    logger: logger.child({ component: "consent-sync" }),
  });
  // Rights requests: erasure calls run like consent sync, on a timer and when an erasure queued them.
  let rights: ReturnType<typeof rightsOptionsFromConfig>;
  try {
    rights = rightsOptionsFromConfig(config);
  } catch {
    process.stderr.write("[handlers] Invalid configuration: PII_HASH_KEYS: is not a key list (version:<base64url 32 bytes>,...)\n");
    process.exit(2);
  }
  if (!rights) logger.warn("PII_HASH_KEYS is not set: rights requests (insertRightsRequest, verifyRightsRequest, their triggers and dsar_compliance_check) are not served");
  const erasure = createOutboxDispatcher({
    deliver: async () => {
      if (!rights) return { sent: 0, failed: 0, skipped: 0 };
      const stats = await runErasureJobs({ sdk, secretKeys, rights, now, logger: logger.child({ component: "erasure" }), maxAttempts: config.HANDLERS_SYNC_MAX_ATTEMPTS });
      return { sent: stats.completed, failed: stats.failed, skipped: stats.retried };
    },
    intervalMs: config.HANDLERS_ERASURE_POLL_MS,
    logger: logger.child({ component: "erasure" }),
  });
  if (rights) rights.onErasureQueued = () => erasure.kick();
  const services = {
    sdk,
    secretKeys,
    appBaseUrl: config.HANDLERS_APP_BASE_URL,
    onEmailQueued: () => outbox.kick(),
    onIntegrationSyncQueued: () => consentSync.kick(),
    ...(rights ? { rights } : {}),
    // The custom-integration actions write through conduit's management store (conduit/src/management).
    customIntegrations: {
      store: createGraphqlManagementStore({ endpoint: config.HASURA_GRAPHQL_ENDPOINT, adminSecret: config.HASURA_GRAPHQL_ADMIN_SECRET }),
      secretKeys,
      publicBaseUrl: config.CONDUIT_PUBLIC_BASE_URL,
    },
  };
  const registry = createRegistry({
    events: createEventHandlers(services),
    actions: createActionHandlers(services),
    crons: createCronHandlers({ ...services, resolveTxt: createTxtResolver({ servers: config.DNS_RESOLVERS }), intakeSweep: intakeSweepOptionsFromConfig(config) }),
  });
  const app = createApp({
    webhookSecret: config.HANDLERS_WEBHOOK_SECRET,
    logger,
    registry,
    bodyLimitBytes: config.HANDLERS_BODY_LIMIT_BYTES,
    publicRoutes: rights ? [exportDownloadRouter({ secretKeys, exportsDir: rights.exportsDir, now, logger: logger.child({ component: "exports" }) })] : [],
  });
  outbox.start();
  consentSync.start();
  if (rights) erasure.start();
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
      // Let a send in progress finish, so it is recorded as sent rather than retried.
      void Promise.all([outbox.stop(), consentSync.stop(), erasure.stop()]).finally(() => {
        transport.close();
        logger.info("handlers stopped");
        process.exit(0);
      });
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
