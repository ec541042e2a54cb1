import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { applyMigrations, listMigrations, migrationStatus, MigrationError, rollbackMigrations } from "../../src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";

const FIXTURE = join(__dirname, "..", "fixtures", "migrations");

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const cliState = async (url: string) =>
  (await query<{ cli_state: unknown }>(url, "select cli_state from hdb_catalog.hdb_version"))[0].cli_state;

const tables = async (url: string) =>
  (await query<{ t: string }>(url, "select table_name as t from information_schema.tables where table_schema = 'public' order by 1")).map((r) => r.t);

describe("applyMigrations / rollbackMigrations", () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase("migrate");
  });
  afterEach(async () => {
    await db.drop();
  });

  it("lists migrations in version order", () => {
    expect(listMigrations(FIXTURE).map((m) => `${m.version}_${m.name}`)).toEqual([
      "1700000000000_create_authors",
      "1700000001000_create_books",
      "1700000002000_add_isbn",
    ]);
  });

  it("applies all, records them as the Hasura CLI does, and a second run applies nothing", async () => {
    expect(await applyMigrations(db.url, FIXTURE)).toEqual(["1700000000000", "1700000001000", "1700000002000"]);
    expect(await tables(db.url)).toEqual(["authors", "books"]);
    expect(await cliState(db.url)).toEqual({
      migrations: { default: { "1700000000000": false, "1700000001000": false, "1700000002000": false } },
      settings: { migration_mode: "true" },
      isStateCopyCompleted: true,
    });
    const versionRows = await query<{ version: string }>(db.url, "select version from hdb_catalog.hdb_version");
    expect(versionRows).toHaveLength(1);
    expect(await applyMigrations(db.url, FIXTURE)).toEqual([]);
  });

  it("rolls back one step by default, to a target, or all", async () => {
    await applyMigrations(db.url, FIXTURE);
    expect(await rollbackMigrations(db.url, FIXTURE)).toEqual(["1700000002000"]);
    expect((await migrationStatus(db.url, FIXTURE)).map((s) => s.applied)).toEqual([true, true, false]);
    expect(await rollbackMigrations(db.url, FIXTURE, { target: "1700000000000" })).toEqual(["1700000001000"]);
    expect(await tables(db.url)).toEqual(["authors"]);
    expect(await rollbackMigrations(db.url, FIXTURE, { steps: "all" })).toEqual(["1700000000000"]);
    expect(await tables(db.url)).toEqual([]);
    expect(await cliState(db.url)).toEqual({ migrations: { default: {} }, settings: { migration_mode: "true" }, isStateCopyCompleted: true });
    expect(await applyMigrations(db.url, FIXTURE, { target: "1700000001000" })).toEqual(["1700000000000", "1700000001000"]);
  });

  it("leaves neither half-applied SQL nor state when a migration fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pp-mig-"));
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(join(dir, "default/1700000002000_add_isbn/up.sql"), "alter table public.books add column isbn text;\nselect 1/0;");
    await expect(applyMigrations(db.url, dir)).rejects.toThrow(MigrationError);
    await expect(applyMigrations(db.url, dir)).rejects.toThrow(/up 1700000002000_add_isbn failed: division by zero/);
    const columns = await query<{ c: string }>(db.url, "select column_name as c from information_schema.columns where table_name = 'books' order by ordinal_position");
    expect(columns.map((r) => r.c)).toEqual(["id", "author_id", "title"]);
    expect(await migrationStatus(db.url, dir)).toEqual([
      { version: "1700000000000", name: "create_authors", applied: true, dirty: false },
      { version: "1700000001000", name: "create_books", applied: true, dirty: false },
      { version: "1700000002000", name: "add_isbn", applied: false, dirty: false },
    ]);
  });

  it("serialises concurrent runners so each migration runs once", async () => {
    const results = await Promise.all([applyMigrations(db.url, FIXTURE), applyMigrations(db.url, FIXTURE)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 3]);
  });
});
