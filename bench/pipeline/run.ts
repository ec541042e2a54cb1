/**
 * Pipeline benchmark (issue 6): signed webhooks for distinct people through the
 * whole platform, each service in its own process as in production: conduit
 * (intake) -> Postgres -> engine event worker -> handlers (identity resolution,
 * activity, compliance, subject setup) -> Postgres.
 *
 *   npx tsx bench/pipeline/run.ts [--events 20000] [--people 5000] [--concurrency 64]
 *
 * Each person gets events/people webhooks spread over Shopify customers/create,
 * Shopify customers/update, Stripe customer.created and Stripe customer.updated
 * (distinct event types, so conduit's content de-duplication keeps them all),
 * every one with its own platform event id and a valid platform signature.
 * The run ends when every intake row is processed and every activity exists.
 *
 * Prints: end-to-end events/s (first request sent to last activity committed),
 * the lag from conduit's 200 to the activity's commit (p50/p99), and the
 * exactly-once checks (one activity per 200, one active subject per person).
 * Goal: >= 1,000 events/s on the reference machine, every event processed once.
 */
import { chmodSync, mkdtempSync, readFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { generateKeyText, parseKeyRing } from "../../common/src/crypto";
import { applyMigrations } from "../../common/src/db/migrate";
import { findFreePort } from "../../common/src/db/embedded";
import { signShopify } from "../../conduit/src/integrations/shopify/signature";
import { signStripe } from "../../conduit/src/integrations/stripe/signature";
import { createController, createIntegration } from "../../conduit/src/management/integrations";
import { createGraphqlManagementStore } from "../../conduit/src/management/store";
import { ownCpuMs, postgresCpuMs, startCpuMeter, treeCpuMs } from "../lib/cpu";
import { openBenchDatabase } from "../lib/database";
import { BenchProcesses, ROOT, waitForHealthy } from "../lib/processes";

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Delivery {
  person: number;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The platform event id conduit stores (webhook_intake.platform_event_id). */
  eventId: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: "string", default: "20000" }, people: { type: "string", default: "5000" }, concurrency: { type: "string", default: "64" } } });
  const total = Number(values.events);
  const people = Number(values.people);
  const concurrency = Number(values.concurrency);

  // Each service's warnings and errors (LOG_LEVEL=warn) go to <logDir>/<name>.log.
  const logDir = mkdtempSync(join(tmpdir(), "bench-pipeline-logs-"));
  chmodSync(logDir, 0o755);
  const database = await openBenchDatabase("bench_pipeline");
  const children = new BenchProcesses();
  const logOf = (name: string) => ({ logFile: join(logDir, `${name}.log`) });
  try {
    const dbUrl = database.databaseUrl;
    await applyMigrations(dbUrl, join(ROOT, "hasura", "migrations"), { database: "default" });

    const adminSecret = "bench-admin-secret";
    const handlersSecret = "bench-handlers-secret-0123456789";
    const keys = { jwe: `k1:${generateKeyText()}`, secrets: `s1:${generateKeyText()}`, pii: `1:${generateKeyText()}` };
    const [enginePort, handlersPort, conduitPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const endpoint = `http://127.0.0.1:${enginePort}/v1/graphql`;
    const handlersUrl = `http://127.0.0.1:${handlersPort}`;
    const conduitUrl = `http://127.0.0.1:${conduitPort}`;

    const engine = children.start({
      name: "engine",
      script: join(ROOT, "engine", "src", "main.ts"),
      output: logOf("engine"),
      env: {
        HASURA_GRAPHQL_DATABASE_URL: dbUrl,
        HASURA_GRAPHQL_ADMIN_SECRET: adminSecret,
        HASURA_GRAPHQL_SERVER_PORT: String(enginePort),
        HASURA_GRAPHQL_SERVER_HOST: "127.0.0.1",
        HASURA_PROJECT_DIR: join(ROOT, "hasura"),
        HASURA_GRAPHQL_PG_CONNECTIONS: "40",
        HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL: "50",
        // Deliveries in flight to handlers; each makes several GraphQL calls back
        // to this same engine, so Hasura's default of 100 only queues them here.
        HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE: process.env.BENCH_EVENTS_POOL_SIZE ?? "24",
        HANDLERS_EVENT_WEBHOOK_URL: `${handlersUrl}/events`,
        HANDLERS_BASE_URL: handlersUrl,
        HANDLERS_WEBHOOK_SECRET: handlersSecret,
        LOG_LEVEL: "warn",
      },
    });
    const handlers = children.start({
      name: "handlers",
      script: join(ROOT, "handlers", "src", "main.ts"),
      output: logOf("handlers"),
      env: {
        HANDLERS_PORT: String(handlersPort),
        HANDLERS_WEBHOOK_SECRET: handlersSecret,
        HASURA_GRAPHQL_ENDPOINT: endpoint,
        HASURA_GRAPHQL_ADMIN_SECRET: adminSecret,
        SECRETS_ENCRYPTION_KEYS: keys.secrets,
        SMTP_URL: "smtp://127.0.0.1:9",
        HANDLERS_MAIL_POLL_MS: "3600000",
        LOG_LEVEL: "warn",
      },
    });
    const conduit = children.start({
      name: "conduit",
      script: join(ROOT, "conduit", "src", "main.ts"),
      output: logOf("conduit"),
      env: {
        HASURA_GRAPHQL_ENDPOINT: endpoint,
        HASURA_GRAPHQL_ADMIN_SECRET: adminSecret,
        CONDUIT_PORT: String(conduitPort),
        CONDUIT_PUBLIC_BASE_URL: conduitUrl,
        CONDUIT_JWE_KEYS: keys.jwe,
        SECRETS_ENCRYPTION_KEYS: keys.secrets,
        PII_HASH_KEYS: keys.pii,
        RATE_LIMIT_MAX: "100000000",
        LOG_LEVEL: "warn",
      },
    });
    await Promise.all([
      waitForHealthy(`http://127.0.0.1:${enginePort}/healthz`, { proc: engine }),
      waitForHealthy(`${handlersUrl}/healthz`, { proc: handlers }),
      waitForHealthy(`${conduitUrl}/healthz`, { proc: conduit }),
    ]);

    const management = {
      store: createGraphqlManagementStore({ endpoint, adminSecret }),
      jweKeys: parseKeyRing(keys.jwe),
      secretKeys: parseKeyRing(keys.secrets),
      publicBaseUrl: conduitUrl,
      now: () => new Date(),
    };
    const controller = await createController({ title: "Pipeline Bench", plan: "business" }, management);
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    // data_controllers_insert creates the default purposes the integrations point at.
    for (let i = 0; i < 600; i += 1) {
      const { rows } = await db.query("select 1 from purposes where controller_id = $1 and slug = 'service_delivery'", [controller.id]);
      if (rows.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const shopSecret = "bench-shopify-secret";
    const stripeSecret = "whsec_bench";
    const shop = await createIntegration(
      { did: controller.did, dxKey: controller.dxKey, service: "shopify", name: "Shop", signingSecret: shopSecret, config: { legalBasis: "contract", purpose: "service_delivery" } },
      management,
    );
    const stripe = await createIntegration(
      { did: controller.did, dxKey: controller.dxKey, service: "stripe", name: "Payments", signingSecret: stripeSecret, config: { legalBasis: "legal_obligation", purpose: "legal_obligations" } },
      management,
    );
    const pathOf = (u: string) => new URL(u).pathname + new URL(u).search;

    const kinds = ["shopify:customers/create", "stripe:customer.created", "shopify:customers/update", "stripe:customer.updated"] as const;
    const build = (n: number): Delivery => {
      const person = n % people;
      const kind = kinds[Math.floor(n / people) % kinds.length];
      const email = `person${person}@bench.example`;
      if (kind.startsWith("shopify")) {
        const body = JSON.stringify({ id: 700000 + person, email, first_name: "Bench", last_name: `Person${person}` });
        const eventId = `shop-${n}`;
        return {
          person,
          path: pathOf(shop.webhookUrl),
          eventId,
          body,
          headers: {
            "content-type": "application/json",
            "x-shopify-topic": kind.slice("shopify:".length),
            "x-shopify-shop-domain": "bench.myshopify.com",
            "x-shopify-event-id": eventId,
            "x-shopify-webhook-id": eventId,
            "x-shopify-hmac-sha256": signShopify(body, shopSecret),
          },
        };
      }
      const eventId = `evt_bench_${n}`;
      const body = JSON.stringify({ id: eventId, object: "event", type: kind.slice("stripe:".length), created: Math.floor(Date.now() / 1000), data: { object: { id: `cus_${person}`, object: "customer", email, name: `Bench Person${person}` } } });
      return { person, path: pathOf(stripe.webhookUrl), eventId, body, headers: { "content-type": "application/json", "stripe-signature": signStripe(body, stripeSecret, Math.floor(Date.now() / 1000)) } };
    };

    const acceptedAt = new Map<string, number>();
    const acceptedPeople = new Set<number>();
    let next = 0;
    const statuses = new Map<number, number>();
    const loadAtStart = loadavg();
    // CPU time of every process from the first request until the last activity
    // exists, and over the 5 s before it (pollers, crons, event fetches, and the
    // tail of the set-up's own triggers).
    const pidOf = (p: { pid?: number }) => p.pid ?? -1;
    const counters = {
      conduit: () => treeCpuMs(pidOf(conduit)),
      engine: () => treeCpuMs(pidOf(engine)),
      handlers: () => treeCpuMs(pidOf(handlers)),
      postgres: () => postgresCpuMs(database.dataDir),
      "load generator": ownCpuMs,
    };
    const idleMeter = startCpuMeter(counters);
    await new Promise((r) => setTimeout(r, 5_000));
    const idle = idleMeter.done();
    const meter = startCpuMeter(counters);
    const started = Date.now();
    const worker = async (): Promise<void> => {
      for (;;) {
        const n = next;
        next += 1;
        if (n >= total) return;
        const d = build(n);
        const res = await fetch(conduitUrl + d.path, { method: "POST", headers: d.headers, body: d.body });
        await res.arrayBuffer();
        if (res.status === 200) {
          acceptedAt.set(d.eventId, Date.now());
          acceptedPeople.add(d.person);
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    const sentDone = Date.now();

    const count = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql, [controller.id])).rows[0].n);
    // Until every intake row is processed, or nothing moved for 60 s (then the checks below report what is missing).
    // The pending count reads the partial index of unprocessed rows, so polling
    // costs Postgres little (it is counted in the CPU per event); the activities
    // are counted in full only once nothing is pending.
    let activities = 0;
    let pendingBefore = -1;
    let lastChange = Date.now();
    for (;;) {
      const pending = await count("select count(*) as n from webhook_intake where controller_id = $1 and status <> 'processed'");
      if (pending !== pendingBefore) lastChange = Date.now();
      pendingBefore = pending;
      if (pending === 0) activities = await count("select count(*) as n from data_processing_activities where controller_id = $1");
      if ((pending === 0 && activities >= acceptedAt.size) || Date.now() - lastChange > 60_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const cpu = meter.done();
    const rows = (
      await db.query<{ platform_event_id: string; created_ms: string }>(
        `select i.platform_event_id, (extract(epoch from a.created_at) * 1000)::bigint as created_ms
           from data_processing_activities a join webhook_intake i on i.id = a.intake_id where a.controller_id = $1`,
        [controller.id],
      )
    ).rows;
    const lags = rows.map((r) => Number(r.created_ms) - (acceptedAt.get(r.platform_event_id) ?? NaN)).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const lastActivity = Math.max(...rows.map((r) => Number(r.created_ms)));
    const recorded = new Set(rows.map((r) => r.platform_event_id));
    const withActivity = [...acceptedAt.keys()].filter((id) => recorded.has(id)).length;
    const distinctKeys = await count("select count(distinct dedup_key) as n from data_processing_activities where controller_id = $1");
    const intake = await count("select count(*) as n from webhook_intake where controller_id = $1");
    const activeSubjects = await count("select count(*) as n from data_subjects where controller_id = $1 and status = 'active'");
    const mergedSubjects = await count("select count(*) as n from data_subjects where controller_id = $1 and status = 'merged'");
    const canonical = await count(
      "select count(distinct coalesce(s.merged_into, s.id)) as n from data_processing_activities a join data_subjects s on s.id = a.data_subject_id where a.controller_id = $1",
    );
    await db.end();
    const seconds = (lastActivity - started) / 1000;
    process.stdout.write(
      [
        `pipeline benchmark: ${total} signed webhooks (Shopify + Stripe) for ${people} people, concurrency ${concurrency}, ${cpus().length} CPUs`,
        `conduit   statuses ${JSON.stringify(Object.fromEntries(statuses))}, all sent in ${((sentDone - started) / 1000).toFixed(1)} s (${(total / ((sentDone - started) / 1000)).toFixed(0)} req/s)`,
        `end-to-end ${(rows.length / seconds).toFixed(0)} events/s (${rows.length} activities in ${seconds.toFixed(1)} s from the first request; goal >= 1000)`,
        cpuLine(cpu, rows.length),
        `cpu idle        ${Object.entries(idle)
          .map(([name, ms]) => `${name} ${ms === undefined ? "?" : ((ms / 5_000) * 100).toFixed(1)} %`)
          .join(", ")} of one CPU in the 5 s before the first request (pollers and crons, and whatever the set-up's controller and integration triggers still do)`,
        `lag 200 -> activity   p50 ${percentile(lags, 50)} ms   p99 ${percentile(lags, 99)} ms   max ${lags[lags.length - 1]} ms`,
        `exactly once: intake rows ${intake}, activities ${activities}, distinct dedup keys ${distinctKeys} -> ${distinctKeys === activities && intake === activities ? "one activity per stored event" : "MISMATCH"}; ${withActivity} of ${acceptedAt.size} answers 200 have their activity -> ${withActivity === acceptedAt.size ? "OK" : "MISSING"}${intake > acceptedAt.size ? ` (${intake - acceptedAt.size} events stored although conduit answered an error: the sender retries them, the platform event id de-duplicates)` : ""}`,
        `load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")} at the start, ${loadavg().map((l) => l.toFixed(2)).join(" ")} at the end (1/5/15 min; other work on the machine counts); service logs in ${logDir}`,
        `subjects: ${activeSubjects} active, ${mergedSubjects} merged; activities resolve to ${canonical} people (${acceptedPeople.size} distinct people among the 200s) -> ${canonical === acceptedPeople.size ? "OK" : "MISMATCH"}`,
      ].join("\n") + "\n",
    );
    for (const name of ["conduit", "engine", "handlers"]) {
      const lines = readFileSync(join(logDir, `${name}.log`), "utf8").split("\n").filter((l) => l.includes('"level":50') || l.includes('"level":40'));
      if (lines.length > 0) process.stdout.write(`${name}: ${lines.length} warning/error lines, last: ${lines[lines.length - 1].slice(0, 400)}\n`);
    }
  } finally {
    await children.stopAll();
    await database.close();
  }
}

/**
 * CPU milliseconds per processed event of each process (from the first request
 * until the last activity, including the polling above), their sum, and the
 * rate that sum allows when those processes have every CPU of the machine.
 */
function cpuLine(cpu: Record<string, number | undefined>, events: number): string {
  const parts = Object.entries(cpu).filter((e): e is [string, number] => e[1] !== undefined);
  const perEvent = parts.map(([name, ms]) => [name, ms / Math.max(1, events)] as const);
  const total = perEvent.reduce((sum, [, ms]) => sum + ms, 0);
  return `cpu per event   ${perEvent.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(", ")} ms; total ${total.toFixed(2)} ms -> at most ${((cpus().length * 1000) / total).toFixed(0)} events/s on ${cpus().length} CPUs`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
