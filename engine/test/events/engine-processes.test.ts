/**
 * Two real engine processes (engine/src/main.ts) on one database: the first
 * applies the migrations at start (--migrate), both install the triggers and
 * run delivery workers, and every event is delivered exactly once
 * (hasura-contract.md 1.4, 7.5).
 */
import { join } from "node:path";
import { Pool } from "pg";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { spawnTs, type WorkerProcess } from "./helpers/child";
import { eventually, startReceiver, type Receiver } from "./helpers/receiver";
import { EVENTS_PROJECT_DIR, fixtureEnv } from "./helpers/project";

const MAIN = join(__dirname, "..", "..", "src", "main.ts");
let db: TestDatabase;
let receiver: Receiver;
let pool: Pool;
const engines: WorkerProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase("ev_engines");
  receiver = await startReceiver();
  pool = new Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  for (const e of engines) await e.kill();
  await pool.end();
  await receiver.close();
  await db.drop();
});

function startEngine(args: string[]): WorkerProcess {
  const engine = spawnTs(MAIN, ["--project", EVENTS_PROJECT_DIR, ...args], {
    ...fixtureEnv(receiver.url),
    HASURA_GRAPHQL_DATABASE_URL: db.url,
    HASURA_GRAPHQL_ADMIN_SECRET: "two-engines",
    HASURA_GRAPHQL_SERVER_HOST: "127.0.0.1",
    HASURA_GRAPHQL_SERVER_PORT: "0",
    HASURA_GRAPHQL_PG_CONNECTIONS: "4",
    HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE: "8",
    HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE: "10",
    HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL: "50",
    ENGINE_SCHEDULED_EVENTS_INTERVAL_MS: "600000",
    LOG_LEVEL: "info",
  });
  engines.push(engine);
  return engine;
}

test("the first engine migrates at start; two engines share the event log and deliver each event once", async () => {
  const first = startEngine(["--migrate"]);
  await first.waitForText('"msg":"engine listening"', 45_000);
  expect(first.output()).toContain('"msg":"migrations applied at start"');
  const { rows: state } = await pool.query("select cli_state from hdb_catalog.hdb_version");
  expect(state[0].cli_state.migrations).toEqual({ default: { "1716000000000": false } });

  const second = startEngine([]);
  await second.waitForText('"msg":"engine listening"', 45_000);
  expect(second.output()).not.toContain("migrations applied at start");

  const total = 300;
  await pool.query("insert into activity (kind) select 'two-engines-' || g from generate_series(1, $1::int) g", [total]);
  const activity = () => receiver.requests.filter((r) => r.path === "/activity");
  // (The fixture's every-minute cron trigger may also call the receiver, on /cron/...)
  await eventually(async () => (activity().length >= total ? true : undefined), 30_000, "all activity events");
  await eventually(async () => {
    const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from hdb_catalog.event_log where delivered");
    return rows[0].n === total ? true : undefined;
  }, 15_000, "every event marked delivered");
  await new Promise((r) => setTimeout(r, 300));
  const ids = activity().map((r) => (r.body as { id: string }).id);
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  expect({ received: ids.length, duplicated: [...seen].filter(([, n]) => n > 1).map(([id]) => id) }).toEqual({ received: total, duplicated: [] });

  await Promise.all([first.stop(), second.stop()]);
  const exits = [first, second].map((e) => ({ code: e.child.exitCode, signal: e.child.signalCode, tail: e.child.exitCode === 0 ? "" : e.output().slice(-800) }));
  expect(exits).toEqual([
    { code: 0, signal: null, tail: "" },
    { code: 0, signal: null, tail: "" },
  ]);
  const { rows: locked } = await pool.query<{ n: number }>("select count(*)::int as n from hdb_catalog.event_log where locked is not null");
  expect(locked[0].n).toBe(0);
});
