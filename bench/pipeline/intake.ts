/**
 * Intake handler micro-benchmark (issue 6): handlers' share of the pipeline
 * alone. Intake rows as conduit stores them (keyed hashes of an e-mail and a
 * platform customer id, `--events` rows for `--people` people) are processed
 * by processIntakeEvent, the function behind webhook_intake_insert and
 * sweep_stranded_intake, at `--concurrency`, against the engine over HTTP on
 * loopback (in this process, no event worker, so nothing else competes).
 *
 *   npx tsx bench/pipeline/intake.ts [--events 2000] [--people 500] [--concurrency 16]
 *
 * Prints the GraphQL round trips per event (counted at the client, by
 * operation), events/s, and the exactly-once checks (one activity per row,
 * one subject per person, no subject without links).
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { applyMigrations } from "../../common/src/db/migrate";
import { createLogger } from "../../common/src/logger";
import { deriveControllerKey, hashIdentifier, parsePiiMasterKeys } from "../../common/src/pii";
import { createEngine } from "../../engine/src/server";
import { createGraphqlRunner, type RunOperation } from "../../handlers/src/adapters/graphql";
import { createHandlersSdk } from "../../handlers/src/adapters/sdk";
import { IntakeRowSchema, processIntakeEvent, type IntakeRow } from "../../handlers/src/intake/process-intake-event";
import { openBenchDatabase } from "../lib/database";

const ROOT = join(__dirname, "..", "..");
const ADMIN_SECRET = "bench-admin-secret";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: "string", default: "2000" }, people: { type: "string", default: "500" }, concurrency: { type: "string", default: "16" } } });
  const total = Number(values.events);
  const people = Number(values.people);
  const concurrency = Number(values.concurrency);
  const database = await openBenchDatabase("bench_intake");
  try {
    await applyMigrations(database.databaseUrl, join(ROOT, "hasura", "migrations"), { database: "default" });
    const engine = await createEngine({ databaseUrl: database.databaseUrl, projectDir: join(ROOT, "hasura"), adminSecret: ADMIN_SECRET, poolSize: 20 });
    const server = createServer(engine.app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/graphql`;
    const db = new Client({ connectionString: database.databaseUrl });
    await db.connect();
    try {
      // One organization, one integration with its legal basis, as the management API leaves them.
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
        JSON.stringify({ legalBasis: "contract", purpose: "orders" }),
      ]);
      const key = deriveControllerKey(parsePiiMasterKeys(`1:${Buffer.alloc(32, 9).toString("base64url")}`), controllerId);
      const rows: IntakeRow[] = [];
      for (let n = 0; n < total; n += 1) {
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
        rows.push(IntakeRowSchema.parse(JSON.parse(JSON.stringify({ ...inserted[0], triggered_at: (inserted[0].triggered_at as Date).toISOString() }))));
      }

      const byOperation = new Map<string, number>();
      const run = createGraphqlRunner({ endpoint, adminSecret: ADMIN_SECRET, timeoutMs: 60_000 });
      const counting: RunOperation = (name, variables) => {
        byOperation.set(name, (byOperation.get(name) ?? 0) + 1);
        return run(name, variables);
      };
      const deps = { sdk: createHandlersSdk(counting), logger: createLogger({ name: "bench", level: "silent" }), now: () => new Date() };
      const load = loadavg();
      let next = 0;
      let failures = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (;;) {
            const n = next;
            next += 1;
            if (n >= rows.length) return;
            // A delivery that fails is retried, as the engine would.
            for (let attempt = 0; ; attempt += 1) {
              try {
                await processIntakeEvent(rows[n], deps);
                break;
              } catch (err: unknown) {
                failures += 1;
                if (attempt >= 3) throw err;
              }
            }
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const count = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql, [controllerId])).rows[0].n);
      const activities = await count("select count(*) as n from data_processing_activities where controller_id = $1");
      const pending = await count("select count(*) as n from webhook_intake where controller_id = $1 and status <> 'processed'");
      const canonical = await count("select count(distinct coalesce(s.merged_into, s.id)) as n from data_processing_activities a join data_subjects s on s.id = a.data_subject_id where a.controller_id = $1");
      const active = await count("select count(*) as n from data_subjects where controller_id = $1 and status = 'active'");
      const linkless = await count("select count(*) as n from data_subjects s where s.controller_id = $1 and not exists (select 1 from privacy_preserving_links l where l.data_subject_id = s.id)");
      const trips = [...byOperation.values()].reduce((a, b) => a + b, 0);
      process.stdout.write(
        [
          `intake handler benchmark: ${total} intake rows for ${people} people, concurrency ${concurrency}, engine in process over loopback HTTP`,
          `round trips ${(trips / total).toFixed(2)} per event (${trips} in all): ${[...byOperation.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`,
          `throughput ${(total / seconds).toFixed(0)} events/s (${seconds.toFixed(1)} s; ${failures} failed attempts retried)`,
          `exactly once: activities ${activities} for ${total} rows, ${pending} not processed; ${canonical} people (${active} active subjects, ${linkless} without links) for ${people} -> ${
            activities === total && pending === 0 && canonical === people && active === people && linkless === 0 ? "OK" : "MISMATCH"
          }`,
          `load average ${load.map((l) => l.toFixed(2)).join(" ")} at the start (1/5/15 min, ${cpus().length} CPUs, shared with other work)`,
        ].join("\n") + "\n",
      );
    } finally {
      await db.end();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await engine.close();
    }
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
