/**
 * engine benchmark (issue 3): by-primary-key and nested queries, as admin and
 * as a user (real JWT, permission filters through membership), against the
 * engine serving hasura/ on a seeded database (1,000 controllers, 100,000 data
 * subjects, 1,000,000 processing activities). autocannon drives each scenario;
 * the figures printed are requests/s and latency p50/p99.
 *
 *   npx tsx bench/engine/run.ts [--duration 10] [--connections 32]
 *
 * Postgres: BENCH_DATABASE_URL (a superuser URL) or an embedded server in a
 * temporary directory. The engine runs in its own process (engine/src/main.ts).
 * Not a timed test: it prints figures. PostGraphile v5 is not compared here:
 * it requires Node >= 22 and this project runs on Node 20 (see README.md).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { SignJWT } from "jose";
import { Client } from "pg";
import { applyMigrations } from "../../common/src/db/migrate";
import { openBenchDatabase } from "../lib/database";
import { findFreePort } from "../../common/src/db/embedded";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
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
insert into public.data_subjects (id, controller_id, status)
  select md5('s' || g)::uuid, md5('c' || (1 + (g - 1) / 100))::uuid, 'active' from generate_series(1, 100000) g;
insert into public.data_processing_activities (controller_id, data_subject_id, event_type, pii_field_types, legal_basis, purpose, triggered_at, dedup_key)
  select md5('c' || (1 + (s - 1) / 100))::uuid, md5('s' || s)::uuid, 'orders/create', '{email,name}', 'contract', 'order fulfilment',
         timestamptz '2026-01-01' + (g * interval '1 minute'), 'd' || g
  from generate_series(1, 1000000) g, lateral (select 1 + (g - 1) / 10 as s) x;
analyze;
`;

interface Scenario {
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
  headers: Record<string, string>;
}

async function startEngine(databaseUrl: string, port: number): Promise<ChildProcess> {
  const proc = spawn(TSX, [join(ROOT, "engine", "src", "main.ts"), "--project", join(ROOT, "hasura"), "--port", String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
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
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return proc;
    } catch {
      /* not up yet */
    }
    if (proc.exitCode !== null) throw new Error(`engine exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("engine never answered /healthz");
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: "string", default: "10" }, connections: { type: "string", default: "32" } } });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const bench = await openBenchDatabase("bench_engine");
  const databaseUrl = bench.databaseUrl;
  let engine: ChildProcess | undefined;
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
    process.stdout.write(`engine up in ${((Date.now() - started) / 1000).toFixed(1)} s on port ${port}\n`);

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
    const nested =
      "query ($id: uuid!) { dataController(id: $id) { id title dataSubjects(limit: 10, order_by: {createdAt: desc}) { id status dataProcessingActivities(limit: 10, order_by: {triggeredAt: desc}) { id eventType legalBasis triggeredAt } } } }";
    const scenarios: Scenario[] = [
      { name: "by-pk, admin", query: byPk, variables: () => ({ id: subjectId(random(100000)) }), headers: adminHeaders },
      // User 1 owns controller 1 (subjects 1..100): by-pk through the membership filter.
      { name: "by-pk, user", query: byPk, variables: () => ({ id: subjectId(random(100)) }), headers: userHeaders },
      { name: "nested 1+10+100, admin", query: nested, variables: () => ({ id: controllerId(random(1000)) }), headers: adminHeaders },
      { name: "nested 1+10+100, user", query: nested, variables: () => ({ id: controllerId(1) }), headers: userHeaders },
    ];
    const names = await checkNames(port, adminHeaders, scenarios);
    if (names) throw new Error(names);

    const rows: string[][] = [["scenario", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors"]];
    for (const s of scenarios) {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}`,
        connections,
        duration,
        requests: [
          {
            method: "POST",
            path: "/v1/graphql",
            headers: s.headers,
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: s.query, variables: s.variables() }) }),
          },
        ],
      });
      rows.push([s.name, result.requests.average.toFixed(0), String(result.latency.p50), String(result.latency.p99), String(result.non2xx), String(result.errors)]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    process.stdout.write(`\nengine, ${connections} connections, ${duration} s per scenario\n`);
    for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join("  ")}\n`);
  } finally {
    engine?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    await bench.close();
  }
}

function md5uuid(text: string): string {
  const hex = createHash("md5").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One request per scenario before measuring: a GraphQL error or an empty answer stops the run. */
async function checkNames(port: number, _admin: Record<string, string>, scenarios: Scenario[]): Promise<string | null> {
  for (const s of scenarios) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/graphql`, { method: "POST", headers: s.headers, body: JSON.stringify({ query: s.query, variables: s.variables() }) });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
    if (body.errors || !body.data || Object.values(body.data).some((v) => v === null)) return `${s.name}: ${JSON.stringify(body).slice(0, 300)}`;
  }
  return null;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/engine: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
