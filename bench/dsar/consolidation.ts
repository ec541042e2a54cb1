/**
 * Consolidation benchmark (issue 7): 100,000 data subjects, 20% of them
 * duplicates already marked merged by intake (half point straight at their
 * survivor, half through a chain), each subject with one link, two
 * activities and one consent value; time for consolidate_data_subjects to
 * move everything onto the survivors through the engine's GraphQL API.
 * Goal: under 60 s.
 *
 *   node --import tsx bench/dsar/consolidation.ts [--subjects 100000] [--overlap 0.2] [--concurrency 3] [--batch 500]
 *
 * Postgres: BENCH_DATABASE_URL (superuser; a scratch database is created and
 * dropped) or an embedded server in a temporary directory. The engine runs in
 * this process on loopback, as in handlers' integration tests.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { applyMigrations } from "../../common/src/db/migrate";
import { createLogger } from "../../common/src/logger";
import { createEngine } from "../../engine/src/server";
import { openBenchDatabase } from "../lib/database";
import { createGraphqlRunner } from "../../handlers/src/adapters/graphql";
import { createHandlersSdk } from "../../handlers/src/adapters/sdk";
import { consolidateDataSubjects } from "../../handlers/src/consolidation/consolidate-data-subjects";

const ROOT = join(__dirname, "..", "..");
const ADMIN_SECRET = "bench-admin-secret";
const PER_CONTROLLER = 1_000;

/**
 * Subject i (1-based) belongs to controller ceil(i / 1000). With overlap 0.2,
 * every 5th subject is a duplicate of the one before it; every 10th points at
 * the duplicate 5 before it instead (a chain of two), all inside one
 * controller's block.
 */
function seedSql(subjects: number, every: number): string {
  const controllers = Math.ceil(subjects / PER_CONTROLLER);
  return `
set session_replication_role = replica;
-- md5-derived ids with the RFC 9562 version and variant nibbles set (the SDK validates uuids).
create function pg_temp.u(t text) returns uuid language sql immutable as
  $$ select (substr(md5(t), 1, 12) || '4' || substr(md5(t), 14, 3) || '8' || substr(md5(t), 18, 15))::uuid $$;
insert into public.data_controllers (id, title, did, dx_key_hash, webhook_secret_encrypted, plan)
  select pg_temp.u('c' || g), 'Bench ' || g, 'did:web:bench-' || g || '.example', md5('k' || g) || md5('k' || g), 'gcm1.bench.x.y.z', 'business'
  from generate_series(1, ${controllers}) g;
insert into public.purposes (id, controller_id, slug, name, legal_basis)
  select pg_temp.u('p' || g), pg_temp.u('c' || g), 'newsletter', 'Newsletter', 'consent' from generate_series(1, ${controllers}) g;
insert into public.data_subjects (id, controller_id, created_at, first_seen_at, last_seen_at, status, merged_into, merged_at, merge_identifier_type)
  select pg_temp.u('s' || i), pg_temp.u('c' || ((i - 1) / ${PER_CONTROLLER} + 1)), t, t, t,
    case when i % ${every} = 0 then 'merged' else 'active' end,
    case when i % ${every * 2} = 0 then pg_temp.u('s' || (i - ${every})) when i % ${every} = 0 then pg_temp.u('s' || (i - 1)) end,
    case when i % ${every} = 0 then t end,
    case when i % ${every} = 0 then 'email' end
  from generate_series(1, ${subjects}) i, lateral (select timestamptz '2026-01-01' + i * interval '1 second' as t) x;
insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash)
  select pg_temp.u('c' || ((i - 1) / ${PER_CONTROLLER} + 1)), pg_temp.u('s' || i), 'email', md5('h' || i) || md5('H' || i)
  from generate_series(1, ${subjects}) i;
insert into public.data_processing_activities (controller_id, data_subject_id, event_type, legal_basis, triggered_at, dedup_key)
  select pg_temp.u('c' || ((i - 1) / ${PER_CONTROLLER} + 1)), pg_temp.u('s' || i), 'orders/create', 'contract', timestamptz '2026-02-01' + i * interval '1 second', 'bench:' || i || ':' || n
  from generate_series(1, ${subjects}) i, generate_series(1, 2) n;
insert into public.data_subject_preference_values (controller_id, data_subject_id, purpose_id, granted, updated_at)
  select pg_temp.u('c' || ((i - 1) / ${PER_CONTROLLER} + 1)), pg_temp.u('s' || i), pg_temp.u('p' || ((i - 1) / ${PER_CONTROLLER} + 1)), i % 3 <> 0,
    timestamptz '2026-02-01' + i * interval '1 minute'
  from generate_series(1, ${subjects}) i;
set session_replication_role = origin;
analyze;
`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { subjects: { type: "string", default: "100000" }, overlap: { type: "string", default: "0.2" }, concurrency: { type: "string", default: "3" }, batch: { type: "string", default: "500" } } });
  const subjects = Number(values.subjects);
  const overlap = Number(values.overlap);
  if (!Number.isInteger(subjects) || subjects < 10) throw new Error("--subjects must be an integer >= 10");
  if (!(overlap > 0 && overlap <= 0.5)) throw new Error("--overlap must be in (0, 0.5]");
  const every = Math.round(1 / overlap);

  const bench = await openBenchDatabase("bench_dsar");
  const databaseUrl = bench.databaseUrl;
  const db = new Client({ connectionString: databaseUrl });
  try {
    await applyMigrations(databaseUrl, join(ROOT, "hasura", "migrations"), { database: "default" });
    await db.connect();
    let started = Date.now();
    await db.query(seedSql(subjects, every));
    const before = (await db.query<{ merged: string; activities: string }>("select (select count(*) from data_subjects where merged_into is not null) merged, (select count(*) from data_processing_activities) activities")).rows[0];
    process.stdout.write(`seeded ${subjects} subjects (${before.merged} merged duplicates), ${before.activities} activities in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    const engine = await createEngine({
      databaseUrl,
      projectDir: join(ROOT, "hasura"),
      adminSecret: ADMIN_SECRET,
      poolSize: Math.max(8, Number(values.concurrency) + 4),
      env: { HANDLERS_EVENT_WEBHOOK_URL: "http://127.0.0.1:9/events", HANDLERS_BASE_URL: "http://127.0.0.1:9", HANDLERS_WEBHOOK_SECRET: "bench-handlers-secret-0123" },
    });
    const http = createServer(engine.app);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", () => resolve()));
    const endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1/graphql`;
    const run = createGraphqlRunner({ endpoint, adminSecret: ADMIN_SECRET, timeoutMs: 120_000 });
    const spent = new Map<string, { calls: number; ms: number }>();
    const sdk = createHandlersSdk(async (name, variables) => {
      const t = Date.now();
      try {
        return await run(name, variables);
      } finally {
        const s = spent.get(name) ?? { calls: 0, ms: 0 };
        s.calls += 1;
        s.ms += Date.now() - t;
        spent.set(name, s);
      }
    });
    const logger = createLogger({ name: "bench", level: "warn" });
    try {
      started = Date.now();
      // No time budget: the benchmark measures the whole job (the cron defers past 40 s).
      const result = await consolidateDataSubjects({ sdk, logger, now: () => new Date() }, { budgetMs: Number.POSITIVE_INFINITY, concurrency: Number(values.concurrency), batchSize: Number(values.batch) });
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(`time per operation: ${[...spent].map(([n, s]) => `${n} ${s.calls}x ${(s.ms / 1000).toFixed(1)} s`).join(", ")}\n`);
      started = Date.now();
      const again = await consolidateDataSubjects({ sdk, logger, now: () => new Date() });
      const secondSeconds = (Date.now() - started) / 1000;
      const check = (
        await db.query<{ leftover: string; chained: string; activities: string; duplicates: string }>(
          `select
             (select count(*) from data_processing_activities a join data_subjects s on s.id = a.data_subject_id where s.merged_into is not null)
               + (select count(*) from privacy_preserving_links l join data_subjects s on s.id = l.data_subject_id where s.merged_into is not null) leftover,
             (select count(*) from data_subjects s join data_subjects t on t.id = s.merged_into where t.merged_into is not null) chained,
             (select count(*) from data_processing_activities) activities,
             (select count(*) from (select data_subject_id, purpose_id from data_subject_preference_values group by 1, 2 having count(*) > 1) d) duplicates`,
        )
      ).rows[0];
      process.stdout.write(
        `consolidation: ${result.groups} groups, ${result.moved.links} links, ${result.moved.activities} activities, ${result.moved.preferences} consent values moved ` +
          `(${result.preferencesDropped} dropped), ${result.batches} batches in ${seconds.toFixed(1)} s (goal < 60 s); second run ${again.groups} groups in ${secondSeconds.toFixed(1)} s\n`,
      );
      process.stdout.write(`check: rows left on merged subjects ${check.leftover}, chains left ${check.chained}, activities ${check.activities} (was ${before.activities}), duplicate consent slots ${check.duplicates}; load average ${loadavg()[0].toFixed(2)}\n`);
      if (Number(check.leftover) !== 0 || Number(check.chained) !== 0 || check.activities !== before.activities || again.groups !== 0) process.exitCode = 1;
    } finally {
      await engine.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  } finally {
    await db.end().catch(() => undefined);
    await bench.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
