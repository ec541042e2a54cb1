/**
 * bench/dsar/export.ts: the access export (handlers/src/rights/build-export.ts)
 * for one subject with --activities processing activities (default 100,000),
 * read through the engine's GraphQL API on loopback in keyset pages and
 * streamed to JSON and CSV files, as the data_subject_rights_requests_update
 * trigger does. Prints the time, peak RSS and peak heap of this process
 * (which also runs the engine), and checks the files' row counts.
 *
 *   node --import tsx bench/dsar/export.ts [--activities 100000]
 *
 * Goal: under 5 s and under 200 MB.
 */
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { applyMigrations } from "../../common/src/db/migrate";
import { createEngine } from "../../engine/src/server";
import { openBenchDatabase } from "../lib/database";
import { createGraphqlRunner } from "../../handlers/src/adapters/graphql";
import { createHandlersSdk } from "../../handlers/src/adapters/sdk";
import { buildExport } from "../../handlers/src/rights/build-export";

const ROOT = join(__dirname, "..", "..");
const ADMIN_SECRET = "bench-admin-secret";
const CONTROLLER = "c0000000-0000-4000-8000-00000000b001";
const SUBJECT = "50000000-0000-4000-8000-00000000b001";
const MERGED = "50000000-0000-4000-8000-00000000b002";

function seedSql(activities: number): string {
  return `
set session_replication_role = replica;
insert into public.data_controllers (id, title, did, dx_key_hash, webhook_secret_encrypted, plan, settings)
  values ('${CONTROLLER}', 'Bench Shop', 'did:web:bench.example', repeat('a', 64), 'gcm1.x.y.z.w', 'business', '{}');
insert into public.data_processors (id, controller_id, service, name, status, config, country_code) values
  ('d0000000-0000-4000-8000-00000000b001', '${CONTROLLER}', 'shopify', 'Shop', 'active', '{}', 'CA'),
  ('d0000000-0000-4000-8000-00000000b002', '${CONTROLLER}', 'stripe', 'Payments', 'active', '{}', 'US');
insert into public.purposes (id, controller_id, slug, name, legal_basis, retention_days) values
  ('e0000000-0000-4000-8000-00000000b001', '${CONTROLLER}', 'orders', 'Orders', 'contract', 730),
  ('e0000000-0000-4000-8000-00000000b002', '${CONTROLLER}', 'marketing', 'Marketing', 'consent', 365);
insert into public.data_subjects (id, controller_id) values ('${SUBJECT}', '${CONTROLLER}');
insert into public.data_subjects (id, controller_id, status, merged_into, merged_at) values ('${MERGED}', '${CONTROLLER}', 'merged', '${SUBJECT}', now());
insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash) values
  ('${CONTROLLER}', '${SUBJECT}', 'email', md5('e') || md5('E')), ('${CONTROLLER}', '${MERGED}', 'customer_id', md5('c') || md5('C'));
insert into public.data_processing_activities (controller_id, data_subject_id, data_processor_id, purpose_id, event_type, pii_field_types, legal_basis, purpose, triggered_at, dedup_key, compliance_status)
  select '${CONTROLLER}', case when i % 10 = 0 then '${MERGED}'::uuid else '${SUBJECT}'::uuid end,
    case when i % 2 = 0 then 'd0000000-0000-4000-8000-00000000b001'::uuid else 'd0000000-0000-4000-8000-00000000b002'::uuid end,
    case when i % 3 = 0 then 'e0000000-0000-4000-8000-00000000b002'::uuid else 'e0000000-0000-4000-8000-00000000b001'::uuid end,
    'orders/create', '{email,address,payment}', case when i % 3 = 0 then 'consent' else 'contract' end, 'orders',
    timestamptz '2024-01-01' + i * interval '7 minutes', 'bench:' || i, 'compliant'
  from generate_series(1, ${activities}) i;
set session_replication_role = origin;
analyze;
`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { activities: { type: "string", default: "100000" } } });
  const activities = Number(values.activities);
  if (!Number.isInteger(activities) || activities < 1) throw new Error("--activities must be a positive integer");

  const bench = await openBenchDatabase("bench_dsar_export");
  const databaseUrl = bench.databaseUrl;
  const exportsDir = mkdtempSync(join(tmpdir(), "bench-dsar-exports-"));
  try {
    await applyMigrations(databaseUrl, join(ROOT, "hasura", "migrations"), { database: "default" });
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    let started = Date.now();
    await db.query(seedSql(activities));
    await db.end();
    process.stdout.write(`seeded ${activities} activities in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    const engine = await createEngine({
      databaseUrl,
      projectDir: join(ROOT, "hasura"),
      adminSecret: ADMIN_SECRET,
      poolSize: 8,
      env: { HANDLERS_EVENT_WEBHOOK_URL: "http://127.0.0.1:9/events", HANDLERS_BASE_URL: "http://127.0.0.1:9", HANDLERS_WEBHOOK_SECRET: "bench-handlers-secret-0123" },
    });
    const http = createServer(engine.app);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", () => resolve()));
    const endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1/graphql`;
    const run = createGraphqlRunner({ endpoint, adminSecret: ADMIN_SECRET, timeoutMs: 60_000 });
    let readMs = 0;
    let reads = 0;
    const sdk = createHandlersSdk(async (name, variables) => {
      const t = Date.now();
      try {
        return await run(name, variables);
      } finally {
        readMs += Date.now() - t;
        reads += 1;
      }
    });
    try {
      // Warm the engine's schema and statement caches with a tiny export first.
      await buildExport({ requestId: "00000000-0000-4000-8000-000000000000", controllerId: CONTROLLER, kind: "access", organization: "Bench", supervisoryAuthority: null, receivedAt: new Date().toISOString(), subjectId: null }, { sdk, exportsDir, now: () => new Date() });
      global.gc?.();
      const base = process.memoryUsage();
      let peakRss = base.rss;
      let peakHeap = base.heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 20);
      readMs = 0;
      reads = 0;
      started = Date.now();
      const requestId = "11111111-1111-4111-8111-111111111111";
      const summary = await buildExport(
        { requestId, controllerId: CONTROLLER, kind: "access", organization: "Bench Shop", supervisoryAuthority: "Bench DPA", receivedAt: new Date().toISOString(), subjectId: SUBJECT },
        { sdk, exportsDir, now: () => new Date() },
      );
      const seconds = (Date.now() - started) / 1000;
      clearInterval(sampler);
      const json = join(exportsDir, requestId, "export.json");
      const csv = join(exportsDir, requestId, "activities.csv");
      const parsed = JSON.parse(readFileSync(json, "utf8")) as { processingActivities: unknown[] };
      const csvLines = readFileSync(csv, "utf8").split("\r\n").filter((l) => l.length > 0).length - 1;
      const ok = summary.activities === activities && parsed.processingActivities.length === activities && csvLines === activities;
      const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
      process.stdout.write(
        `access export of ${summary.activities} activities (2 subject records): ${seconds.toFixed(2)} s (goal < 5 s), of which ${reads} GraphQL reads waited ${(readMs / 1000).toFixed(2)} s; ` +
          `export.json ${mb(statSync(json).size)} MB, activities.csv ${mb(statSync(csv).size)} MB; ` +
          `peak RSS ${mb(peakRss)} MB (start ${mb(base.rss)} MB, engine in the same process), peak heap ${mb(peakHeap)} MB (start ${mb(base.heapUsed)} MB) (goal < 200 MB); ` +
          `load average ${loadavg()[0].toFixed(1)}; check ${ok ? "ok" : "FAILED"}\n`,
      );
      if (!ok) process.exitCode = 1;
    } finally {
      await engine.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  } finally {
    await bench.close();
    rmSync(exportsDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
