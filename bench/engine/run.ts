/**
 * engine benchmark (issue 3): by-primary-key and nested queries, as admin and
 * as a user (real JWT, permission filters through membership), against the
 * engine serving hasura/ on a seeded database (1,000 controllers, 100,000 data
 * subjects, 1,000,000 processing activities), and the same queries against
 * PostGraphile v5 on the same database in the same run, with the user rule as
 * row-level security (postgraphile/setup.sql). After an unmeasured warm-up,
 * autocannon drives each scenario on each server in turn (alternating which
 * goes first); the figures printed are requests/s, latency p50/p99
 * and the ratio engine/PostGraphile.
 *
 *   npx tsx bench/engine/run.ts [--duration 10] [--connections 32] [--warmup 3]
 *                               [--skip-postgraphile] [--node22 <path>]
 *
 * Postgres: BENCH_DATABASE_URL (a superuser URL) or an embedded server in a
 * temporary directory. The engine runs in its own process (engine/src/main.ts);
 * PostGraphile runs in its own process under Node >= 22 (postgraphile/start.ts
 * fetches a pinned Node 22 and PostGraphile into bench/engine/.cache once).
 * Not a timed test: it prints figures.
 */
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { loadavg } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { SignJWT } from "jose";
import { Client } from "pg";
import { z } from "zod";
import { applyMigrations } from "../../common/src/db/migrate";
import { openBenchDatabase } from "../lib/database";
import { startChild, waitForHealthy } from "../lib/processes";
import { findFreePort } from "../../common/src/db/embedded";
import { preparePostGraphile, startPostGraphile, type PostGraphileRuntime, type PostGraphileServer } from "./postgraphile/start";

const ROOT = join(__dirname, "..", "..");
const ADMIN_SECRET = "bench-admin-secret";
const JWT_KEY = "bench-hmac-key-of-at-least-thirty-two-chars";

const SEED_SQL = `
insert into auth.users (id, email, display_name)
  select md5('u' || g)::uuid, 'user' || g || '@bench.example', 'User ' || g from generate_series(1, 1000) g;
insert into public.data_controllers (id, title, did, dx_key_hash, webhook_secret_encrypted, plan)
  select md5('c' || g)::uuid, 'Controller ' || g, 'did:web:c' || g || '.bench.example', encode(sha256(('k' || g)::bytea), 'hex'), 'gcm1.bench.x.y.z', 'business'
  from generate_series(1, 1000) g;
insert into public.data_controller_users (controller_id, user_id, role, status)
  select md5('c' || g)::uuid, md5('u' || g)::uuid, 'owner', 'active' from generate_series(1, 1000) g;
-- Distinct created_at, so that "latest subjects" has one right answer on both servers.
insert into public.data_subjects (id, controller_id, status, created_at)
  select md5('s' || g)::uuid, md5('c' || (1 + (g - 1) / 100))::uuid, 'active', timestamptz '2025-01-01' + (g * interval '1 minute')
  from generate_series(1, 100000) g;
insert into public.data_processing_activities (controller_id, data_subject_id, event_type, pii_field_types, legal_basis, purpose, triggered_at, dedup_key)
  select md5('c' || (1 + (s - 1) / 100))::uuid, md5('s' || s)::uuid, 'orders/create', '{email,name}', 'contract', 'order fulfilment',
         timestamptz '2026-01-01' + (g * interval '1 minute'), 'd' || g
  from generate_series(1, 1000000) g, lateral (select 1 + (g - 1) / 10 as s) x;
analyze;
`;

/**
 * One query asked of both servers: the same variables and headers (admin
 * secret or the same JWT); each server gets the query in its own naming.
 */
interface Scenario {
  name: string;
  engineQuery: string;
  postgraphileQuery: string;
  variables: () => Record<string, unknown>;
  headers: Record<string, string>;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** non-2xx answers plus connection errors and timeouts. */
  failed: number;
}

/** The engine's HASURA_GRAPHQL_PG_CONNECTIONS default (engine/src/config.ts); PostGraphile's pool gets the same. */
const POOL_SIZE = 20;

async function startEngine(databaseUrl: string, port: number): Promise<ChildProcess> {
  const proc = startChild({
    name: "engine",
    script: join(ROOT, "engine", "src", "main.ts"),
    args: ["--project", join(ROOT, "hasura"), "--port", String(port)],
    output: "quiet",
    env: {
      HASURA_GRAPHQL_DATABASE_URL: databaseUrl,
      HASURA_GRAPHQL_ADMIN_SECRET: ADMIN_SECRET,
      HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: "HS256", key: JWT_KEY }),
      HASURA_GRAPHQL_SERVER_HOST: "127.0.0.1",
      HASURA_GRAPHQL_ENABLE_CONSOLE: "false",
      LOG_LEVEL: "warn",
      HANDLERS_EVENT_WEBHOOK_URL: "http://127.0.0.1:9/events",
      HANDLERS_BASE_URL: "http://127.0.0.1:9",
      HANDLERS_WEBHOOK_SECRET: "bench",
    },
  });
  await waitForHealthy(`http://127.0.0.1:${port}/healthz`, { proc, timeoutMs: 60_000 });
  return proc;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "32" },
      warmup: { type: "string", default: "3" },
      "skip-postgraphile": { type: "boolean", default: false },
      node22: { type: "string" },
    },
  });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(duration) || duration < 1 || !Number.isInteger(connections) || connections < 1 || !Number.isInteger(warmup) || warmup < 0) {
    throw new Error("--duration and --connections take positive integers, --warmup a whole number of seconds");
  }
  let skipped: string | undefined = values["skip-postgraphile"] ? "--skip-postgraphile" : undefined;
  let runtime: PostGraphileRuntime | undefined;
  if (!skipped) {
    const prepared = await preparePostGraphile(values.node22);
    if (prepared.ok) runtime = prepared.value;
    else skipped = prepared.reason;
  }
  if (skipped) process.stdout.write(`PostGraphile comparison skipped: ${skipped}\n`);
  const bench = await openBenchDatabase("bench_engine");
  const databaseUrl = bench.databaseUrl;
  let engine: ChildProcess | undefined;
  let postgraphile: PostGraphileServer | undefined;
  try {
    await applyMigrations(databaseUrl, join(ROOT, "hasura", "migrations"));
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    let started = Date.now();
    await db.query(SEED_SQL);
    const counts = (await db.query<{ c: string; s: string; a: string }>(
      "select (select count(*) from data_controllers) c, (select count(*) from data_subjects) s, (select count(*) from data_processing_activities) a",
    )).rows[0];
    process.stdout.write(`seeded ${counts.c} controllers, ${counts.s} subjects, ${counts.a} activities in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    await db.end();

    const port = await findFreePort();
    started = Date.now();
    engine = await startEngine(databaseUrl, port);
    process.stdout.write(`engine up in ${((Date.now() - started) / 1000).toFixed(1)} s on port ${port} (Node ${process.version})\n`);

    if (runtime) {
      started = Date.now();
      const pgl = await startPostGraphile(runtime, { databaseUrl, port: await findFreePort(), adminSecret: ADMIN_SECRET, jwtKey: JWT_KEY, poolMax: POOL_SIZE });
      if (pgl.ok) {
        postgraphile = pgl.value;
        process.stdout.write(`PostGraphile up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${postgraphile.url} (Node ${runtime.nodeVersion})\n`);
      } else {
        skipped = pgl.reason;
        process.stdout.write(`PostGraphile comparison skipped: ${skipped}\n`);
      }
    }

    const subjectId = (g: number): string => md5uuid(`s${g}`);
    const controllerId = (g: number): string => md5uuid(`c${g}`);
    const userToken = await new SignJWT({
      "https://hasura.io/jwt/claims": { "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user", "x-hasura-user-id": md5uuid("u1") },
    })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("2h")
      .sign(new TextEncoder().encode(JWT_KEY));
    const adminHeaders = { "content-type": "application/json", "x-hasura-admin-secret": ADMIN_SECRET };
    const userHeaders = { "content-type": "application/json", authorization: `Bearer ${userToken}` };
    const random = (n: number): number => 1 + Math.floor(Math.random() * n);
    const byPk = "query ($id: uuid!) { dataSubject(id: $id) { id status controllerId createdAt } }";
    // PostGraphile v5 (amber preset) names the uuid column rowId (id is its
    // global Node id) and the lookups <table>ByRowId; aliases give both
    // answers the same shape for the comparison below.
    const byPkPgl = "query ($id: UUID!) { dataSubject: dataSubjectByRowId(rowId: $id) { id: rowId status controllerId createdAt } }";
    // "where": merged subjects and activities by compliance status, both on
    // indexed columns (PostGraphile v5 only offers conditions on indexed
    // columns). Every seeded row passes, so both answers hold 1 + 10 + 100 rows.
    const nested =
      "query ($id: uuid!) { dataController(id: $id) { id title dataSubjects(where: {mergedInto: {_is_null: true}}, limit: 10, order_by: {createdAt: desc}) { id status dataProcessingActivities(where: {complianceStatus: {_eq: \"pending\"}}, limit: 10, order_by: {triggeredAt: desc}) { id eventType legalBasis triggeredAt } } } }";
    const nestedPgl =
      "query ($id: UUID!) { dataController: dataControllerByRowId(rowId: $id) { id: rowId title dataSubjects: dataSubjectsByControllerId(condition: {mergedInto: null}, first: 10, orderBy: [CREATED_AT_DESC]) { nodes { id: rowId status dataProcessingActivities: dataProcessingActivitiesByDataSubjectId(condition: {complianceStatus: \"pending\"}, first: 10, orderBy: [TRIGGERED_AT_DESC]) { nodes { id: rowId eventType legalBasis triggeredAt } } } } } }";
    const scenarios: Scenario[] = [
      { name: "by-pk, admin", engineQuery: byPk, postgraphileQuery: byPkPgl, variables: () => ({ id: subjectId(random(100000)) }), headers: adminHeaders },
      // User 1 owns controller 1 (subjects 1..100): by-pk through the membership filter.
      { name: "by-pk, user", engineQuery: byPk, postgraphileQuery: byPkPgl, variables: () => ({ id: subjectId(random(100)) }), headers: userHeaders },
      { name: "nested 1+10+100, admin", engineQuery: nested, postgraphileQuery: nestedPgl, variables: () => ({ id: controllerId(random(1000)) }), headers: adminHeaders },
      { name: "nested 1+10+100, user", engineQuery: nested, postgraphileQuery: nestedPgl, variables: () => ({ id: controllerId(1) }), headers: userHeaders },
    ];
    const engineUrl = `http://127.0.0.1:${port}/v1/graphql`;
    const failure = await checkAnswers(engineUrl, postgraphile?.url, scenarios, {
      // A subject of controller 2 is invisible to user 1: both servers must answer null.
      hidden: { query: byPk, postgraphileQuery: byPkPgl, variables: { id: subjectId(101) }, headers: userHeaders },
    });
    if (failure) throw new Error(failure);
    process.stdout.write(postgraphile ? "answers checked: each query returns the same rows from both servers\n" : "answers checked\n");

    // Warm-up, not measured: the first server to read a table would otherwise
    // pay for Postgres's cold buffers (and V8's cold JIT) alone.
    if (warmup > 0) {
      for (const s of scenarios) {
        await measure(engineUrl, s, s.engineQuery, connections, warmup);
        if (postgraphile) await measure(postgraphile.url, s, s.postgraphileQuery, connections, warmup);
      }
      process.stdout.write(`warmed up: ${warmup} s per scenario and server\n`);
    }
    const load = loadavg();
    const results: { name: string; engine: Figures; postgraphile?: Figures }[] = [];
    for (const [i, s] of scenarios.entries()) {
      // Alternate which server goes first, so neither always follows the other's load.
      const engineFirst = i % 2 === 0;
      const pglFirst = !engineFirst && postgraphile ? await measure(postgraphile.url, s, s.postgraphileQuery, connections, duration) : undefined;
      const engineFigures = await measure(engineUrl, s, s.engineQuery, connections, duration);
      const pglFigures = engineFirst && postgraphile ? await measure(postgraphile.url, s, s.postgraphileQuery, connections, duration) : pglFirst;
      results.push({ name: s.name, engine: engineFigures, postgraphile: pglFigures });
    }
    const loadAfter = loadavg();

    const header = ["scenario", "engine req/s", "p50 ms", "p99 ms", "failed"];
    if (postgraphile) header.push("PostGraphile req/s", "p50 ms", "p99 ms", "failed", "ratio");
    const rows: string[][] = [header];
    for (const r of results) {
      const row = [r.name, r.engine.rps.toFixed(0), String(r.engine.p50), String(r.engine.p99), String(r.engine.failed)];
      if (r.postgraphile) {
        const p = r.postgraphile;
        row.push(p.rps.toFixed(0), String(p.p50), String(p.p99), String(p.failed), p.rps > 0 ? (r.engine.rps / p.rps).toFixed(2) : "-");
      }
      rows.push(row);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    process.stdout.write(`\n${new Date().toISOString()}, ${connections} connections, ${duration} s per scenario and server`);
    process.stdout.write(`, load average ${load[0].toFixed(1)} before and ${loadAfter[0].toFixed(1)} after (1 min)\n`);
    if (postgraphile) process.stdout.write("ratio = engine req/s / PostGraphile req/s (>= 1: the engine keeps up)\n");
    else process.stdout.write(`engine only; PostGraphile comparison skipped: ${skipped ?? "not started"}\n`);
    for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join("  ")}\n`);
  } finally {
    engine?.kill("SIGTERM");
    postgraphile?.process.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    await bench.close();
  }
}

async function measure(url: string, s: Scenario, query: string, connections: number, duration: number): Promise<Figures> {
  const target = new URL(url);
  const result = await autocannon({
    url: target.origin,
    connections,
    duration,
    requests: [
      {
        method: "POST",
        path: target.pathname,
        headers: s.headers,
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ query, variables: s.variables() }) }),
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts };
}

function md5uuid(text: string): string {
  const hex = createHash("md5").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const graphqlAnswer = z.object({ data: z.record(z.string(), z.unknown()).nullable().optional(), errors: z.array(z.unknown()).optional() });

async function ask(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<z.infer<typeof graphqlAnswer>> {
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(30000) });
  return graphqlAnswer.parse(await res.json());
}

/**
 * The same answer from either server: PostGraphile's connections ({nodes})
 * become lists and timestamps one ISO form (Hasura writes +00:00, others Z).
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === "nodes" && Array.isArray(entries[0][1])) return canonical(entries[0][1]);
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$/.test(value)) return new Date(value).toISOString();
  return value;
}

interface HiddenCheck {
  query: string;
  postgraphileQuery: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * Before measuring: every scenario answers without errors and with data on
 * the engine, and PostGraphile (when running) returns the same rows for the
 * same variables; a row the user may not see is null on both. Returns what
 * went wrong, or null.
 */
async function checkAnswers(engineUrl: string, postgraphileUrl: string | undefined, scenarios: Scenario[], extra: { hidden: HiddenCheck }): Promise<string | null> {
  for (const s of scenarios) {
    const variables = s.variables();
    const ours = await ask(engineUrl, s.engineQuery, variables, s.headers);
    if (ours.errors || !ours.data || Object.values(ours.data).some((v) => v === null)) return `${s.name} (engine): ${JSON.stringify(ours).slice(0, 300)}`;
    if (!postgraphileUrl) continue;
    const theirs = await ask(postgraphileUrl, s.postgraphileQuery, variables, s.headers);
    if (theirs.errors || !theirs.data) return `${s.name} (PostGraphile): ${JSON.stringify(theirs).slice(0, 300)}`;
    if (!isDeepStrictEqual(canonical(ours.data), canonical(theirs.data))) {
      return `${s.name}: the servers disagree\n  engine:       ${JSON.stringify(canonical(ours.data)).slice(0, 400)}\n  PostGraphile: ${JSON.stringify(canonical(theirs.data)).slice(0, 400)}`;
    }
  }
  const { hidden } = extra;
  const ours = await ask(engineUrl, hidden.query, hidden.variables, hidden.headers);
  if (ours.errors || ours.data?.dataSubject !== null) return `another controller's subject (engine): ${JSON.stringify(ours).slice(0, 300)}`;
  if (postgraphileUrl) {
    const theirs = await ask(postgraphileUrl, hidden.postgraphileQuery, hidden.variables, hidden.headers);
    if (theirs.errors || theirs.data?.dataSubject !== null) return `another controller's subject (PostGraphile): ${JSON.stringify(theirs).slice(0, 300)}`;
  }
  return null;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/engine: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
