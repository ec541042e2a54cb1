/**
 * The platform's own Hasura project (hasura/) under engine/'s events and crons:
 * every event trigger installs on the migrated schema and every cron trigger
 * parses and generates ticks, so `npm start` on engine/ runs them all.
 */
import { join } from "node:path";
import { Pool } from "pg";
import { applyMigrations } from "../../../common/src/db/migrate";
import { loadMetadata } from "../../../common/src/metadata";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import request from "supertest";
import { createLogger } from "../../../common/src/logger";
import { createActionsExtension } from "../../src/actions/extension";
import { createCronsExtension } from "../../src/crons/extension";
import { createEventsExtension } from "../../src/events/extension";
import { createEngine } from "../../src/server";
import { ensureScheduledCatalog } from "../../src/crons/catalog";
import { CronTriggerDefSchema } from "../../src/crons/definition";
import { syncCronEvents } from "../../src/crons/generator";
import { CAPTURED_OPS, collectEventTriggers, operationSpec } from "../../src/events/definition";
import { installEventTriggers } from "../../src/events/install";

const HASURA_DIR = join(__dirname, "..", "..", "..", "hasura");
let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase("ev_hasura");
  await applyMigrations(db.url, join(HASURA_DIR, "migrations"));
  pool = new Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

test("every event trigger of hasura/ installs one function per operation", async () => {
  const triggers = collectEventTriggers(loadMetadata(HASURA_DIR).sources);
  expect(triggers.length).toBeGreaterThan(0);
  await installEventTriggers(pool, triggers);
  const expected = triggers.flatMap((t) => CAPTURED_OPS.filter((op) => operationSpec(t.trigger, op)).map((op) => `notify_hasura_${t.trigger.name}_${op}`)).sort();
  const { rows } = await pool.query<{ tgname: string }>("select tgname from pg_trigger where tgname like 'notify_hasura_%' order by tgname");
  expect(rows.map((r) => r.tgname)).toEqual(expected);
});

test("every cron trigger of hasura/ parses and gets its ticks", async () => {
  const crons = loadMetadata(HASURA_DIR).cronTriggers.map((c) => CronTriggerDefSchema.parse(c));
  expect(crons.length).toBeGreaterThan(0);
  await ensureScheduledCatalog(pool);
  const result = await syncCronEvents(pool, crons, new Date("2024-06-01T00:00:30Z"));
  expect(result).toEqual({ inserted: 100 * crons.length, removed: 0 });
});

test("the engine serves hasura/ with the events, crons and actions extensions, each role seeing its actions", async () => {
  const metadata = loadMetadata(HASURA_DIR);
  const engine = await createEngine({
    pool,
    projectDir: HASURA_DIR,
    adminSecret: "s",
    logger: createLogger({ name: "t", level: process.env.DEBUG_ENGINE ? "error" : "silent" }),
    env: { HANDLERS_BASE_URL: "http://127.0.0.1:9", HANDLERS_EVENT_WEBHOOK_URL: "http://127.0.0.1:9/events", HANDLERS_WEBHOOK_SECRET: "x" },
    extensions: [createEventsExtension({ settings: { fetchIntervalMs: 60_000 } }), createCronsExtension({ settings: { intervalMs: 60_000, poolSize: 1, batchSize: 1 } }), createActionsExtension()],
  });
  try {
    for (const role of ["user", "anonymous"]) {
      const res = await request(engine.app)
        .post("/v1/graphql")
        .set("x-hasura-admin-secret", "s")
        .set("x-hasura-role", role)
        .send({ query: "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }" });
      expect(res.body.errors).toBeUndefined();
      const fields = new Set([...res.body.data.__schema.queryType.fields, ...(res.body.data.__schema.mutationType?.fields ?? [])].map((f: { name: string }) => f.name));
      const expected = metadata.actions.filter((a) => (a.permissions ?? []).some((p) => p.role === role)).map((a) => a.name);
      expect(expected.length).toBeGreaterThan(0);
      for (const name of expected) expect(fields.has(name)).toBe(true);
      for (const a of metadata.actions) if (!expected.includes(a.name)) expect(fields.has(a.name)).toBe(false);
    }
  } finally {
    await engine.close();
  }
});
