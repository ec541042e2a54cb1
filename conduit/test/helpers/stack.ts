/**
 * A real stack for conduit's integration tests: a fresh database on the shared
 * test Postgres, migrated with hasura/migrations, the engine serving hasura/
 * on a loopback port, and conduit's GraphQL store and management functions
 * pointed at it. Nothing of the data layer is mocked.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Client, Pool } from "pg";
import { parseKeyRing } from "../../../common/src/crypto";
import { applyMigrations } from "../../../common/src/db/migrate";
import { createLogger, type Logger } from "../../../common/src/logger";
import { parsePiiMasterKeys } from "../../../common/src/pii";
import { createEngine, type Engine } from "../../../engine/src/server";
import { adminUrl, createTestDatabase, databaseUrl, type TestDatabase } from "../../../test/helpers/pg";
import { createApp, type AppDeps } from "../../src/app";
import type { IntakeDeps } from "../../src/intake/receive-webhook";
import { createGraphqlManagementStore } from "../../src/management/store";
import type { ManagementDeps } from "../../src/management/integrations";
import { createGraphqlStore } from "../../src/store/graphql-store";

const ROOT = join(__dirname, "..", "..", "..");
export const ADMIN_SECRET = "conduit-test-admin-secret";
export const JWE_KEYS = `k1:${Buffer.alloc(32, 11).toString("base64url")}`;
export const SECRET_KEYS = `s1:${Buffer.alloc(32, 22).toString("base64url")}`;
export const PII_KEYS = `1:${Buffer.alloc(32, 33).toString("base64url")}`;
export const PUBLIC_BASE_URL = "https://conduit.example.com";

export interface Stack {
  db: TestDatabase;
  pool: Pool;
  engine: Engine;
  engineServer: Server;
  endpoint: string;
  management: ManagementDeps;
  intakeDeps(overrides?: Partial<IntakeDeps>): IntakeDeps;
  /** Sets the clock every app of this stack reads. */
  clock: { now: Date };
  /** Log lines captured from apps built with `app()`. */
  logLines: string[];
  logger: Logger;
  app(overrides?: Partial<AppDeps>): ReturnType<typeof createApp>;
  /** Stops the engine's listener (the store then fails like a database outage). */
  stopEngine(): Promise<void>;
  startEngine(): Promise<void>;
  close(): Promise<void>;
}

function listen(engine: Engine, port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = engine.app.listen(port, "127.0.0.1");
    server.once("listening", () => resolve(server));
    server.once("error", reject);
  });
}

/**
 * A database migrated once per jest run and per migration set, cloned by every
 * test file (`create database … template …`, STYLE.md §9), so each file skips
 * re-running the migrations. Named after a digest of the migration files; an
 * advisory lock keeps two workers from building it at once.
 */
async function migratedTemplate(): Promise<string> {
  const dir = join(ROOT, "hasura", "migrations", "default");
  const digest = createHash("sha256");
  for (const entry of readdirSync(dir).sort()) {
    for (const file of ["up.sql", "down.sql"]) {
      const path = join(dir, entry, file);
      if (existsSync(path)) digest.update(entry).update(readFileSync(path));
    }
  }
  const name = `conduit_tpl_${digest.digest("hex").slice(0, 16)}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query("select pg_advisory_lock(hashtext('conduit-test-template'))");
    const exists = await admin.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) {
      await admin.query(`create database "${name}"`);
      await applyMigrations(databaseUrl(name), join(ROOT, "hasura", "migrations"), { database: "default" });
    }
    return name;
  } finally {
    await admin.query("select pg_advisory_unlock(hashtext('conduit-test-template'))").catch(() => undefined);
    await admin.end();
  }
}

export async function startStack(): Promise<Stack> {
  const db = await createTestDatabase("conduit", await migratedTemplate());
  const pool = new Pool({ connectionString: db.url, max: 4 });
  // Teardown drops the database with (force) while ended clients may still be closing: their error must not go unheard.
  pool.on("error", () => undefined);
  const engine = await createEngine({ databaseUrl: db.url, projectDir: join(ROOT, "hasura"), adminSecret: ADMIN_SECRET });
  let engineServer = await listen(engine);
  const port = (engineServer.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}/v1/graphql`;
  const clock = { now: new Date("2026-01-15T12:00:00.000Z") };
  const logLines: string[] = [];
  const logger = createLogger({
    name: "conduit",
    level: "debug",
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString("utf8"));
        cb();
      },
    }),
  });
  const secretKeys = parseKeyRing(SECRET_KEYS);
  const jweKeys = parseKeyRing(JWE_KEYS);
  const management: ManagementDeps = {
    store: createGraphqlManagementStore({ endpoint, adminSecret: ADMIN_SECRET }),
    jweKeys,
    secretKeys,
    publicBaseUrl: PUBLIC_BASE_URL,
    now: () => clock.now,
  };
  const intakeDeps = (overrides: Partial<IntakeDeps> = {}): IntakeDeps => ({
    // No lookup cache in tests, so rotations are seen at once.
    store: createGraphqlStore({ endpoint, adminSecret: ADMIN_SECRET, cacheTtlMs: 0, timeoutMs: 3000 }),
    jweKeys,
    secretKeys,
    piiKeys: parsePiiMasterKeys(PII_KEYS),
    defaultRegion: "US",
    dedupWindowSeconds: 60,
    now: () => clock.now,
    ...overrides,
  });
  return {
    db,
    pool,
    engine,
    get engineServer() {
      return engineServer;
    },
    endpoint,
    management,
    intakeDeps,
    clock,
    logLines,
    logger,
    app: (overrides = {}) =>
      createApp({
        intake: intakeDeps(),
        logger,
        publicBaseUrl: PUBLIC_BASE_URL,
        bodyLimitBytes: 64 * 1024,
        rateLimit: { max: 1000, windowMs: 15 * 60 * 1000 },
        collectDefaultMetrics: false,
        ...overrides,
      }),
    async stopEngine() {
      engineServer.closeAllConnections();
      await new Promise<void>((resolve) => engineServer.close(() => resolve()));
    },
    async startEngine() {
      engineServer = await listen(engine, port);
    },
    async close() {
      engineServer.closeAllConnections();
      await new Promise<void>((resolve) => engineServer.close(() => resolve()));
      await engine.close();
      await pool.end();
      await db.drop();
    },
  } as Stack;
}
