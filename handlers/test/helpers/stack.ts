/**
 * The real stack for handlers' integration tests: a fresh database migrated
 * with hasura/migrations, the engine serving hasura/ on loopback with its
 * event-trigger worker delivering to the handlers app (also on loopback), and
 * a real SMTP server. Nothing of the data layer is mocked: every effect is
 * read back from Postgres.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Pool } from "pg";
import { applyMigrations } from "../../../common/src/db/migrate";
import { createLogger, type Logger } from "../../../common/src/logger";
import { createActionsExtension } from "../../../engine/src/actions/extension";
import { createEventsExtension } from "../../../engine/src/events/extension";
import { createEngine, type Engine } from "../../../engine/src/server";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { startTestSmtp, type TestSmtp } from "../../../test/helpers/smtp";
import { parseKeyRing, type SecretKeyRing } from "../../../common/src/crypto";
import { createSmtpTransport, type SmtpTransport } from "../../src/adapters/mailer";
import { deliverDueEmails, type DeliverStats } from "../../src/mail/deliver-due-emails";
import { createGraphqlRunner } from "../../src/adapters/graphql";
import { createHandlersSdk, type HandlersSdk } from "../../src/adapters/sdk";
import { createApp } from "../../src/app";
import { createEventHandlers } from "../../src/events";
import type { HandlerServices } from "../../src/events/services";
import { createRegistry, type ActionHandler, type CronHandler } from "../../src/registry";

const ROOT = join(__dirname, "..", "..", "..");
export const ADMIN_SECRET = "handlers-test-admin-secret";
export const HANDLERS_SECRET = "handlers-test-webhook-secret-0123";
export const SECRET_KEYS = `s1:${Buffer.alloc(32, 44).toString("base64url")}`;
export const APP_BASE_URL = "https://app.privacy.test";
export const MAIL_FROM = "Privacy Platform <no-reply@privacy.test>";

export interface Stack {
  db: TestDatabase;
  pool: Pool;
  engine: Engine;
  endpoint: string;
  handlersUrl: string;
  sdk: HandlersSdk;
  smtp: TestSmtp;
  secretKeys: SecretKeyRing;
  /** One pass of the outbox sender (at the stack's clock), as the dispatcher runs it. */
  sendEmails(): Promise<DeliverStats>;
  clock: { now: Date };
  logLines: string[];
  logger: Logger;
  /** Makes the next `n` deliveries of `triggerName` fail with 500 before reaching the handler. */
  failNext(triggerName: string, n: number): void;
  /** Polls `check` (a SQL probe) until it returns true, at most `timeoutMs`. */
  waitFor(check: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  query<T extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** True when no event of these triggers waits for delivery or a retry. */
  settled(triggerNames: readonly string[]): Promise<boolean>;
  /** Makes every event waiting for a retry due now (instead of sleeping through retry_conf.interval_sec). */
  retryNow(): Promise<void>;
  /**
   * POSTs again, byte for byte, every payload the engine delivered successfully
   * for `triggerName` (as Hasura does on redelivery); resolves with the statuses.
   */
  redeliver(triggerName: string): Promise<number[]>;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.listen(0, "127.0.0.1");
    server.once("listening", () => resolve((server.address() as AddressInfo).port));
    server.once("error", reject);
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startStack(
  options: {
    services?: (base: HandlerServices) => HandlerServices;
    crons?: (services: HandlerServices) => CronHandler[];
    /** Actions the handlers app serves; the engine calls them for /v1/graphql action fields. */
    actions?: (services: HandlerServices) => ActionHandler[];
    /** HASURA_GRAPHQL_JWT_SECRET for the engine, so tests can call /v1/graphql as a signed-in user. */
    jwtSecret?: string;
    /** HASURA_GRAPHQL_UNAUTHORIZED_ROLE for the engine: a request without credentials runs as this role. */
    unauthorizedRole?: string;
  } = {},
): Promise<Stack> {
  const db = await createTestDatabase("handlers");
  await applyMigrations(db.url, join(ROOT, "hasura", "migrations"), { database: "default" });
  const pool = new Pool({ connectionString: db.url, max: 4 });
  // pool.end() resolves before its clients' sockets have closed, and close()
  // then drops the database with (force): a client still closing gets
  // "terminating connection due to administrator command", which the pool
  // re-emits. Unheard, that 'error' event would fail the test file at teardown.
  pool.on("error", () => undefined);
  const logLines: string[] = [];
  const logger = createLogger({
    name: "handlers",
    level: "debug",
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString("utf8"));
        cb();
      },
    }),
  });

  // The handlers server starts first (the engine's metadata needs its URL);
  // requests reach the app once it is built.
  const failures = new Map<string, number>();
  const target: { app?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const handlersServer = createServer((req, res) => {
    if (!target.app) {
      res.statusCode = 503;
      res.end();
      return;
    }
    target.app(req, res);
  });
  const handlersPort = await listen(handlersServer);
  const handlersUrl = `http://127.0.0.1:${handlersPort}`;

  const engine = await createEngine({
    databaseUrl: db.url,
    projectDir: join(ROOT, "hasura"),
    adminSecret: ADMIN_SECRET,
    jwtSecret: options.jwtSecret ?? null,
    unauthorizedRole: options.unauthorizedRole ?? null,
    poolSize: 8,
    env: {
      HANDLERS_EVENT_WEBHOOK_URL: `${handlersUrl}/events`,
      HANDLERS_BASE_URL: handlersUrl,
      HANDLERS_WEBHOOK_SECRET: HANDLERS_SECRET,
    },
    extensions: [createEventsExtension({ settings: { fetchIntervalMs: 50 } }), createActionsExtension()],
  });
  const engineServer = createServer(engine.app);
  const enginePort = await listen(engineServer);
  const endpoint = `http://127.0.0.1:${enginePort}/v1/graphql`;
  const sdk = createHandlersSdk(createGraphqlRunner({ endpoint, adminSecret: ADMIN_SECRET }));
  const clock = { now: new Date("2026-03-02T10:00:00.000Z") };
  const smtp = await startTestSmtp();
  const transport: SmtpTransport = createSmtpTransport(smtp.smtpUrl);
  const secretKeys = parseKeyRing(SECRET_KEYS);
  const sendEmails = () => deliverDueEmails({ sdk, transport, secretKeys, from: MAIL_FROM, now: () => clock.now, logger });
  const base: HandlerServices = { sdk, secretKeys, appBaseUrl: APP_BASE_URL };
  const services = options.services ? options.services(base) : base;
  const registry = createRegistry({
    events: createEventHandlers(services).map((h) => ({
      name: h.name,
      handle: async (event, ctx) => {
        const left = failures.get(h.name) ?? 0;
        if (left > 0) {
          failures.set(h.name, left - 1);
          throw new Error("injected transient failure");
        }
        return h.handle(event, ctx);
      },
    })),
    crons: options.crons ? options.crons(services) : [],
    actions: options.actions ? options.actions(services) : [],
  });
  const express = createApp({ webhookSecret: HANDLERS_SECRET, logger, registry, now: () => clock.now });
  target.app = (req, res) => {
    express(req, res);
  };

  const query = async <T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> => (await pool.query(text, values)).rows as T[];
  return {
    db,
    pool,
    engine,
    endpoint,
    handlersUrl,
    sdk,
    smtp,
    secretKeys,
    sendEmails,
    clock,
    logLines,
    logger,
    query,
    async settled(triggerNames) {
      // A delivery that failed (say, a subject deleted under a concurrent
      // resolution) is retried now instead of after retry_conf.interval_sec.
      await query("update hdb_catalog.event_log set next_retry_at = now() - interval '1 second' where not delivered and not error and next_retry_at > now()");
      const rows = await query<{ n: string }>(
        "select count(*) as n from hdb_catalog.event_log where trigger_name = any($1) and not delivered and not error and not archived",
        [triggerNames],
      );
      return Number(rows[0].n) === 0;
    },
    async retryNow() {
      await query("update hdb_catalog.event_log set next_retry_at = now() - interval '1 second' where not delivered and not error and next_retry_at is not null");
    },
    async redeliver(triggerName) {
      const rows = await query<{ payload: unknown }>(
        `select distinct on (event_id) request::jsonb -> 'payload' as payload from hdb_catalog.event_invocation_logs
          where trigger_name = $1 and status between 200 and 299 order by event_id, created_at`,
        [triggerName],
      );
      const statuses: number[] = [];
      for (const row of rows) {
        const res = await fetch(`${handlersUrl}/events`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-handlers-secret": HANDLERS_SECRET },
          body: JSON.stringify(row.payload),
        });
        await res.text();
        statuses.push(res.status);
      }
      return statuses;
    },
    failNext(triggerName, n) {
      failures.set(triggerName, n);
    },
    async waitFor(check, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (await check()) return;
        if (Date.now() > deadline) throw new Error("[handlers/test] condition not met in time");
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await engine.close();
      await close(engineServer);
      await close(handlersServer);
      transport.close();
      await smtp.stop();
      await pool.end();
      await db.drop();
    },
  };
}
