/**
 * Migrations at start (hasura-contract.md 7.5): applied once, recorded in
 * hdb_catalog.hdb_version.cli_state as the Hasura CLI does, and the event and
 * scheduled-trigger catalog created beside them.
 */
import { join } from "node:path";
import { Client } from "pg";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { migrationsAtStartConfig, runMigrationsAtStart } from "../../src/migrations/at-start";
import { EVENTS_PROJECT_DIR } from "../events/helpers/project";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("mig_start");
});

afterAll(async () => {
  await db.drop();
});

describe("migrationsAtStartConfig", () => {
  test("is off by default and reads migrations_directory from config.yaml", () => {
    expect(migrationsAtStartConfig({}, [], EVENTS_PROJECT_DIR)).toEqual({ enabled: false, migrationsDir: join(EVENTS_PROJECT_DIR, "migrations") });
  });

  test("is on with --migrate or HASURA_GRAPHQL_MIGRATIONS_AT_START=true; the directory can be overridden", () => {
    expect(migrationsAtStartConfig({}, ["--project", "x", "--migrate"], EVENTS_PROJECT_DIR).enabled).toBe(true);
    expect(migrationsAtStartConfig({ HASURA_GRAPHQL_MIGRATIONS_AT_START: "true" }, [], EVENTS_PROJECT_DIR).enabled).toBe(true);
    expect(migrationsAtStartConfig({ HASURA_GRAPHQL_MIGRATIONS_AT_START: "false" }, [], EVENTS_PROJECT_DIR).enabled).toBe(false);
    expect(migrationsAtStartConfig({ HASURA_GRAPHQL_MIGRATIONS_DIR: "/srv/m" }, [], EVENTS_PROJECT_DIR).migrationsDir).toBe("/srv/m");
  });

  test("rejects a flag value that is not a boolean, naming the variable", () => {
    expect(() => migrationsAtStartConfig({ HASURA_GRAPHQL_MIGRATIONS_AT_START: "yes" }, [], EVENTS_PROJECT_DIR)).toThrow(/HASURA_GRAPHQL_MIGRATIONS_AT_START/);
  });
});

describe("runMigrationsAtStart", () => {
  test("applies pending migrations once, records them as the CLI does, and creates the hdb_catalog event tables", async () => {
    const dir = join(EVENTS_PROJECT_DIR, "migrations");
    expect(await runMigrationsAtStart(db.url, dir)).toEqual(["1716000000000"]);
    expect(await runMigrationsAtStart(db.url, dir)).toEqual([]);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query("select cli_state from hdb_catalog.hdb_version");
      expect(rows).toHaveLength(1);
      expect(rows[0].cli_state.migrations).toEqual({ default: { "1716000000000": false } });
      const tables = await client.query<{ t: string }>(
        "select table_name as t from information_schema.tables where table_schema = 'hdb_catalog' order by 1",
      );
      expect(tables.rows.map((r) => r.t)).toEqual(
        expect.arrayContaining([
          "event_invocation_logs",
          "event_log",
          "hdb_cron_event_invocation_logs",
          "hdb_cron_events",
          "hdb_scheduled_event_invocation_logs",
          "hdb_scheduled_events",
          "hdb_source_catalog_version",
          "hdb_version",
        ]),
      );
      const subject = await client.query("select to_regclass('public.subject') is not null as ok");
      expect(subject.rows[0].ok).toBe(true);
    } finally {
      await client.end();
    }
  });
});
