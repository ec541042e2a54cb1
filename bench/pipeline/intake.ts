/**
 * Intake handler micro-benchmark (issue 6): handlers' share of the pipeline
 * alone. Intake rows as conduit stores them (keyed hashes of an e-mail and a
 * platform customer id, `--events` rows for `--people` people) are processed
 * by processIntakeEvent, the function behind webhook_intake_insert and
 * sweep_stranded_intake, at `--concurrency`, against the engine over HTTP on
 * loopback (in this process, no event worker, so nothing else competes).
 *
 *   npx tsx bench/pipeline/intake.ts [--events 2000] [--people 500] [--concurrency 16] [--triggers [--consent-form]]
 *
 * Prints the GraphQL round trips per event (counted at the client, by
 * operation), events/s, and the exactly-once checks (one activity per row,
 * one subject per person, no subject without links).
 *
 * --triggers: the whole handler side instead. The engine's event worker
 * delivers webhook_intake_insert for each row to the handlers app (in this
 * process, over loopback HTTP, `--concurrency` deliveries at once), and the
 * data_subjects_insert and data_processing_activities_insert events those
 * writes fire; the round trips are counted per trigger (AsyncLocalStorage
 * carries the delivery's trigger name to the counting client) and divided by
 * the intake rows. --consent-form publishes an opt-in banner covering the
 * integration's purpose, so data_subjects_insert has each new subject's
 * default consent to write (without it, and without DID generation or consent
 * collection, it only reads).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { applyMigrations } from "../../common/src/db/migrate";
import { createLogger } from "../../common/src/logger";
import { deriveControllerKey, hashIdentifier, parsePiiMasterKeys } from "../../common/src/pii";
import { parseKeyRing } from "../../common/src/crypto";
import { createEventsExtension } from "../../engine/src/events/extension";
import { createEngine } from "../../engine/src/server";
import { createGraphqlRunner, type RunOperation } from "../../handlers/src/adapters/graphql";
import { createHandlersSdk } from "../../handlers/src/adapters/sdk";
import { createApp } from "../../handlers/src/app";
import { createEventHandlers } from "../../handlers/src/events";
import { createRegistry } from "../../handlers/src/registry";
import { IntakeRowSchema, processIntakeEvent, type IntakeRow } from "../../handlers/src/intake/process-intake-event";
import { openBenchDatabase } from "../lib/database";

const ROOT = join(__dirname, "..", "..");
const ADMIN_SECRET = "bench-admin-secret";
const HANDLERS_SECRET = "bench-handlers-webhook-secret-0123";
/** The triggers an intake event sets off in handlers (hasura/metadata). */
const PIPELINE_TRIGGERS = ["webhook_intake_insert", "data_subjects_insert", "data_processing_activities_insert"];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { events: { type: "string", default: "2000" }, people: { type: "string", default: "500" }, concurrency: { type: "string", default: "16" }, triggers: { type: "boolean", default: false }, "consent-form": { type: "boolean", default: false } },
  });
  const total = Number(values.events);
  const people = Number(values.people);
  const concurrency = Number(values.concurrency);
  const withTriggers = values.triggers;
  const withConsentForm = values["consent-form"];
  const database = await openBenchDatabase("bench_intake");
  try {
    await applyMigrations(database.databaseUrl, join(ROOT, "hasura", "migrations"), { database: "default" });
    const db = new Client({ connectionString: database.databaseUrl });
    await db.connect();
    // One organization, one integration with its legal basis, as the management
    // API leaves them; written before the engine starts, so no trigger fires
    // for them and only the intake's own events are measured.
    const controllerId = randomUUID();
    const processorId = randomUUID();
    await db.query(
      `insert into public.data_controllers (id, title, did, dx_key_hash, webhook_secret_encrypted, plan) values ($1, 'Intake Bench', $2, $3, 'gcm1.bench.x.y.z', 'business')`,
      [controllerId, `did:web:${controllerId}.example`, "a".repeat(64)],
    );
    await db.query(`insert into public.purposes (controller_id, slug, name, legal_basis, retention_days) values ($1, 'orders', 'Orders', 'contract', 365)`, [controllerId]);
    await db.query(`insert into public.data_processors (id, controller_id, service, name, status, config) values ($1, $2, 'shopify', 'Shop', 'active', $3)`, [
      processorId,
      controllerId,
      JSON.stringify({ legalBasis: "contract", purpose: "orders", fieldTypes: ["email", "customer_id"] }),
    ]);
    if (withConsentForm) {
      // A published opt-in banner: data_subjects_insert then writes each new subject's default consent.
      const { rows } = await db.query<{ id: string }>(
        `insert into public.consent_forms (controller_id, slug, name, version, status, regime, published_at) values ($1, 'banner', 'Banner', 1, 'published', 'opt_in', now()) returning id`,
        [controllerId],
      );
      await db.query(
        `insert into public.consent_categories (form_id, purpose_id, slug, title, is_required, default_granted) select $1, id, 'orders', 'Orders', true, true from public.purposes where controller_id = $2 and slug = 'orders'`,
        [rows[0].id, controllerId],
      );
    }

    // Round trips by trigger (the delivery in progress, carried through its
    // async calls) and operation, counted at the client.
    const trigger = new AsyncLocalStorage<string>();
    const byOperation = new Map<string, number>();
    const deliveries = new Map<string, number>();
    const bump = (map: Map<string, number>, key: string): void => {
      map.set(key, (map.get(key) ?? 0) + 1);
    };
    const counting: RunOperation = (name, variables) => {
      bump(byOperation, `${trigger.getStore() ?? "webhook_intake_insert"} ${name}`);
      return run(name, variables);
    };
    const sdk = createHandlersSdk(counting);
    const logger = createLogger({ name: "bench", level: "silent" });

    // --triggers: the handlers app, which the engine's event worker calls.
    const handlersServer = createServer();
    const handlersUrl = `http://127.0.0.1:${await listen(handlersServer)}`;
    const engine = await createEngine({
      databaseUrl: database.databaseUrl,
      projectDir: join(ROOT, "hasura"),
      adminSecret: ADMIN_SECRET,
      poolSize: 20,
      env: { HANDLERS_EVENT_WEBHOOK_URL: `${handlersUrl}/events`, HANDLERS_BASE_URL: handlersUrl, HANDLERS_WEBHOOK_SECRET: HANDLERS_SECRET },
      extensions: withTriggers ? [createEventsExtension({ settings: { fetchIntervalMs: 50, poolSize: concurrency } })] : [],
    });
    const server = createServer(engine.app);
    const endpoint = `http://127.0.0.1:${await listen(server)}/v1/graphql`;
    const run = createGraphqlRunner({ endpoint, adminSecret: ADMIN_SECRET, timeoutMs: 60_000 });
    const registry = createRegistry({
      events: createEventHandlers({ sdk, secretKeys: parseKeyRing(`s1:${Buffer.alloc(32, 5).toString("base64url")}`), appBaseUrl: "https://app.bench.invalid" }).map((h) => ({
        name: h.name,
        handle: (event, ctx) => {
          bump(deliveries, h.name);
          return trigger.run(h.name, () => h.handle(event, ctx));
        },
      })),
      crons: [],
      actions: [],
    });
    const app = createApp({ webhookSecret: HANDLERS_SECRET, logger, registry, now: () => new Date() });
    handlersServer.on("request", app);
    try {
      const key = deriveControllerKey(parsePiiMasterKeys(`1:${Buffer.alloc(32, 9).toString("base64url")}`), controllerId);
      const load = loadavg();
      let cpuBefore = process.cpuUsage();
      let failures = 0;
      let started = performance.now();
      const insertRow = async (n: number): Promise<IntakeRow> => {
        const person = n % people;
        const pii = [
          { type: "email", hash: hashIdentifier(key, "email", `person${person}@bench.example`), path: "$.email", keyVersion: 1 },
          { type: "customer_id", hash: hashIdentifier(key, "customer_id", `shopify:bench:${person}`), path: "$.id", keyVersion: 1 },
        ];
        const { rows: inserted } = await db.query<Record<string, unknown>>(
          `insert into public.webhook_intake (controller_id, data_processor_id, service, event_type, platform_event_id, content_key, pii, field_types, triggered_at)
           values ($1, $2, 'shopify', 'customers/update', $3, $4, $5, '{email,customer_id}', now()) returning *`,
          [controllerId, processorId, `bench-${n}`, randomUUID().replace(/-/g, "").padEnd(64, "0"), JSON.stringify(pii)],
        );
        // The row exactly as Hasura's event payload carries it (row_to_json).
        return IntakeRowSchema.parse(JSON.parse(JSON.stringify({ ...inserted[0], triggered_at: (inserted[0].triggered_at as Date).toISOString() })));
      };
      const count = async (sql: string, params: unknown[] = [controllerId]): Promise<number> => Number((await db.query<{ n: string }>(sql, params)).rows[0].n);

      if (withTriggers) {
        // Rows go in as conduit stores them; the engine's worker delivers every event they set off.
        for (let n = 0; n < total; n += 1) await insertRow(n);
        const waiting = () => count("select count(*) as n from hdb_catalog.event_log where trigger_name = any($1) and not delivered and not error and not archived", [PIPELINE_TRIGGERS]);
        let left = await waiting();
        let lastMove = performance.now();
        while (left > 0 && performance.now() - lastMove < 60_000) {
          await new Promise((r) => setTimeout(r, 100));
          const now = await waiting();
          if (now !== left) lastMove = performance.now();
          left = now;
        }
        failures = await count("select count(*) as n from hdb_catalog.event_invocation_logs where trigger_name = any($1) and status not between 200 and 299", [PIPELINE_TRIGGERS]);
      } else {
        const rows: IntakeRow[] = [];
        for (let n = 0; n < total; n += 1) rows.push(await insertRow(n));
        started = performance.now();
        cpuBefore = process.cpuUsage();
        let next = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            for (;;) {
              const n = next;
              next += 1;
              if (n >= rows.length) return;
              // A delivery that fails is retried, as the engine would.
              for (let attempt = 0; ; attempt += 1) {
                try {
                  await processIntakeEvent(rows[n], { sdk, logger, now: () => new Date() });
                  break;
                } catch (err: unknown) {
                  failures += 1;
                  if (attempt >= 3) throw err;
                }
              }
            }
          }),
        );
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const activities = await count("select count(*) as n from data_processing_activities where controller_id = $1");
      const pendingCompliance = await count("select count(*) as n from data_processing_activities where controller_id = $1 and compliance_status = 'pending'");
      const pending = await count("select count(*) as n from webhook_intake where controller_id = $1 and status <> 'processed'");
      const canonical = await count("select count(distinct coalesce(s.merged_into, s.id)) as n from data_processing_activities a join data_subjects s on s.id = a.data_subject_id where a.controller_id = $1");
      const active = await count("select count(*) as n from data_subjects where controller_id = $1 and status = 'active'");
      const linkless = await count("select count(*) as n from data_subjects s where s.controller_id = $1 and not exists (select 1 from privacy_preserving_links l where l.data_subject_id = s.id)");
      const trips = [...byOperation.values()].reduce((a, b) => a + b, 0);
      const perTrigger = (withTriggers ? PIPELINE_TRIGGERS : ["webhook_intake_insert"]).map((name) => {
        const ops = [...byOperation.entries()].filter(([k]) => k.startsWith(`${name} `)).sort((a, b) => b[1] - a[1]);
        const sum = ops.reduce((a, [, v]) => a + v, 0);
        const delivered = withTriggers ? `, ${deliveries.get(name) ?? 0} deliveries` : "";
        return `  ${name}: ${(sum / total).toFixed(2)} per event${delivered} (${ops.map(([k, v]) => `${k.slice(name.length + 1)} ${v}`).join(", ") || "no GraphQL call"})`;
      });
      process.stdout.write(
        [
          `intake handler benchmark: ${total} intake rows for ${people} people, concurrency ${concurrency}, engine in process over loopback HTTP${withTriggers ? ", every trigger delivered by the engine's event worker to the handlers app" : ""}${withConsentForm ? ", published consent form" : ""}`,
          `round trips ${(trips / total).toFixed(2)} per event (${trips} in all)${withTriggers ? ", by trigger:" : ":"}`,
          ...perTrigger,
          `throughput ${(total / seconds).toFixed(0)} events/s (${seconds.toFixed(1)} s; ${failures} failed ${withTriggers ? "deliveries" : "attempts"} retried); CPU of this process (engine + handlers${withTriggers ? " + the row inserts" : ""}) ${(((cpu.user + cpu.system) / 1000) / total).toFixed(2)} ms per event`,
          `exactly once: activities ${activities} for ${total} rows (${pendingCompliance} compliance pending), ${pending} not processed; ${canonical} people (${active} active subjects, ${linkless} without links) for ${people} -> ${
            activities === total && pending === 0 && canonical === people && active === people && linkless === 0 && (!withTriggers || pendingCompliance === 0) ? "OK" : "MISMATCH"
          }`,
          `load average ${load.map((l) => l.toFixed(2)).join(" ")} at the start (1/5/15 min, ${cpus().length} CPUs, shared with other work)`,
        ].join("\n") + "\n",
      );
    } finally {
      await db.end();
      await engine.close();
      for (const s of [server, handlersServer]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    }
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
