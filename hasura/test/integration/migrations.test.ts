/**
 * hasura/migrations on a real Postgres: every migration applies, its down.sql
 * restores exactly the catalog its up.sql started from, the whole chain goes
 * down and up again, and the resulting schema keeps the project's conventions.
 */
import { applyMigrations, listMigrations, migrationStatus, rollbackMigrations } from "../../../common/src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { catalogSnapshot } from "../helpers/catalog-snapshot";
import { MIGRATIONS_DIR, withClient } from "../helpers/project";

const migrations = listMigrations(MIGRATIONS_DIR, { database: "default" });
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("hasura_migrations");
});

afterAll(async () => {
  await db?.drop();
});

const snapshot = (): Promise<string[]> => withClient(db.url, catalogSnapshot);

describe("hasura/migrations/default", () => {
  test("every migration has a 13-digit millisecond version, a verb_object name, up.sql and down.sql", () => {
    expect(migrations.length).toBeGreaterThanOrEqual(9);
    for (const m of migrations) {
      expect(m.version).toMatch(/^\d{13}$/);
      expect(m.name).toMatch(/^(create|add|alter|drop|rename)_[a-z0-9_]+$/);
      expect(m.upSql?.trim()).toBeTruthy();
      expect(m.downSql?.trim()).toBeTruthy();
    }
  });

  test("each up.sql changes the catalog and its down.sql restores exactly the state before it, in order", async () => {
    for (const m of migrations) {
      const before = await snapshot();
      await applyMigrations(db.url, MIGRATIONS_DIR, { database: "default", target: m.version });
      const afterUp = await snapshot();
      expect({ version: m.version, changed: afterUp.join("\n") !== before.join("\n") }).toEqual({ version: m.version, changed: true });

      await rollbackMigrations(db.url, MIGRATIONS_DIR, { database: "default", steps: 1 });
      expect({ version: m.version, catalog: await snapshot() }).toEqual({ version: m.version, catalog: before });

      // Up again, so the next migration starts from the full chain before it.
      await applyMigrations(db.url, MIGRATIONS_DIR, { database: "default", target: m.version });
      expect(await snapshot()).toEqual(afterUp);
    }
  });

  test("all down returns to an empty catalog, all up again rebuilds the same schema and records every version", async () => {
    const full = await snapshot();
    const rolledBack = await rollbackMigrations(db.url, MIGRATIONS_DIR, { database: "default", steps: "all" });
    expect(rolledBack).toEqual(migrations.map((m) => m.version).reverse());
    expect(await snapshot()).toEqual(["schema: public"]);

    const applied = await applyMigrations(db.url, MIGRATIONS_DIR, { database: "default" });
    expect(applied).toEqual(migrations.map((m) => m.version));
    expect(await snapshot()).toEqual(full);

    const status = await migrationStatus(db.url, MIGRATIONS_DIR, { database: "default" });
    expect(status.map((s) => [s.version, s.applied, s.dirty])).toEqual(migrations.map((m) => [m.version, true, false]));
    const cliState = await withClient(db.url, (c) => c.query<{ cli_state: unknown }>("select cli_state from hdb_catalog.hdb_version"));
    expect(cliState.rows).toEqual([
      {
        cli_state: expect.objectContaining({
          migrations: { default: Object.fromEntries(migrations.map((m) => [m.version, false])) },
        }),
      },
    ]);
  });
});

describe("schema conventions (after all migrations)", () => {
  beforeAll(async () => {
    await applyMigrations(db.url, MIGRATIONS_DIR, { database: "default" });
  });

  const query = async (sql: string): Promise<string[]> =>
    withClient(db.url, async (c) => (await c.query<{ item: string }>(sql)).rows.map((r) => r.item));

  test("every table has a uuid primary key named id defaulting to gen_random_uuid()", async () => {
    const offenders = await query(`
      select c.table_schema || '.' || c.table_name as item
        from information_schema.tables t
        left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'id'
       where t.table_schema in ('public', 'auth') and t.table_type = 'BASE TABLE'
         and (c.data_type is distinct from 'uuid' or c.column_default is distinct from 'gen_random_uuid()'
              or not exists (select 1 from information_schema.table_constraints k
                               join information_schema.key_column_usage u on u.constraint_name = k.constraint_name and u.table_schema = k.table_schema
                              where k.table_schema = t.table_schema and k.table_name = t.table_name
                                and k.constraint_type = 'PRIMARY KEY' and u.column_name = 'id'))`);
    expect(offenders).toEqual([]);
  });

  test("no timestamp without time zone, and every name is snake_case", async () => {
    expect(
      await query(`select table_schema || '.' || table_name || '.' || column_name as item from information_schema.columns
                    where table_schema in ('public', 'auth') and data_type = 'timestamp without time zone'`),
    ).toEqual([]);
    expect(
      await query(`select table_schema || '.' || table_name || '.' || column_name as item from information_schema.columns
                    where table_schema in ('public', 'auth') and (table_name !~ '^[a-z][a-z0-9_]*$' or column_name !~ '^[a-z][a-z0-9_]*$')`),
    ).toEqual([]);
  });

  test("every table carries a comment", async () => {
    expect(
      await query(`select n.nspname || '.' || c.relname as item from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname in ('public', 'auth') and c.relkind = 'r' and obj_description(c.oid, 'pg_class') is null`),
    ).toEqual([]);
  });

  test("every foreign key has an index leading with its columns (cascades and joins stay indexed)", async () => {
    expect(
      await query(`
        select k.conrelid::regclass::text || ' ' || k.conname as item from pg_constraint k
         where k.contype = 'f' and k.connamespace in ('public'::regnamespace, 'auth'::regnamespace)
           and not exists (
             select 1 from pg_index i
              where i.indrelid = k.conrelid and i.indpred is null
                and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
                and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey)`),
    ).toEqual([]);
  });

  test("every foreign key states its ON DELETE behaviour deliberately (cascade, set null or no action by design)", async () => {
    const rows = await query(`select conrelid::regclass::text || '.' || conname || ' ' || confdeltype::text as item from pg_constraint
                               where contype = 'f' and connamespace in ('public'::regnamespace, 'auth'::regnamespace) order by 1`);
    // 'a' (no action) is the default; only the consent record's form reference uses it, on purpose (see the migration).
    expect(rows.filter((r) => r.endsWith(" a"))).toEqual([
      "data_subject_consent_form_values.data_subject_consent_form_values_form_id_fkey a",
    ]);
    expect(rows.filter((r) => !/ [acn]$/.test(r))).toEqual([]);
  });
});
