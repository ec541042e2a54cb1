/**
 * Tenant isolation over the project's own metadata (hasura/), through the
 * engine, with real signed JWTs. The seeded demo organization is the victim;
 * the attacker is the owner of a second organization. For every tracked table
 * and every operation the user role has, the attacker reads none of the
 * victim's rows (list, by primary key, through every relationship) and can
 * neither insert into, update nor delete them. Anonymous reads exactly the
 * rows and columns hasura/README.md's permission matrix publishes.
 */
import { join } from "node:path";
import { Client } from "pg";
import request from "supertest";
import { applyMigrations, applySeeds } from "../../../common/src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createEngine, type Engine } from "../../src/server";
import type { TableInfo } from "../../src/schema/model";
import { ADMIN_SECRET, JWT_SECRET, signJwt } from "../helpers/blog";

const ROOT = join(__dirname, "..", "..", "..");
const HASURA = join(ROOT, "hasura");
const VICTIM_ORG = "c0000000-0000-4000-8000-000000000001";
const VICTIM_OWNER = "a0000000-0000-4000-8000-000000000001";
const ATTACKER_ORG = "e0000000-0000-4000-8000-00000000000a";
const ATTACKER = "e0000000-0000-4000-8000-0000000000a1";

let db: TestDatabase;
let pg: Client;
let engine: Engine;
let tables: TableInfo[];
/** Primary keys (JSON text of the key columns) of every seeded row, per table key. */
const seeded = new Map<string, Set<string>>();
/** One seeded row per table (row_to_json), for write attempts. */
const sampleRow = new Map<string, Record<string, unknown>>();

async function gql(query: string, auth: { userId?: string; anonymous?: boolean }, variables?: Record<string, unknown>): Promise<{ data?: Record<string, unknown>; errors?: Array<{ message: string; extensions: { code: string } }> }> {
  const req = request(engine.app).post("/v1/graphql");
  if (auth.userId) {
    const token = await signJwt({ "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user", "x-hasura-user-id": auth.userId });
    req.set("authorization", `Bearer ${token}`);
  }
  const res = await req.send({ query, variables });
  expect(res.status).toBe(200);
  return res.body;
}

function pkOf(table: TableInfo, row: Record<string, unknown>, byGqlName: boolean): string {
  const pk = table.primaryKey ?? [];
  return JSON.stringify(pk.map((c) => row[byGqlName ? (table.columns.find((x) => x.name === c)?.gqlName ?? c) : c]));
}

function pkSelection(table: TableInfo): string {
  return (table.primaryKey ?? []).map((c) => table.columns.find((x) => x.name === c)?.gqlName).join(" ");
}

beforeAll(async () => {
  db = await createTestDatabase("engine_xt");
  await applyMigrations(db.url, join(HASURA, "migrations"));
  await applySeeds(db.url, join(HASURA, "seeds"));
  pg = new Client({ connectionString: db.url });
  await pg.connect();
  engine = await createEngine({ databaseUrl: db.url, projectDir: HASURA, adminSecret: ADMIN_SECRET, jwtSecret: JWT_SECRET, unauthorizedRole: "anonymous", poolSize: 4 });
  tables = [...engine.state().model.tables.values()];
  for (const t of tables) {
    const rows = await pg.query<{ r: Record<string, unknown> }>(`select row_to_json(t) as r from "${t.schema}"."${t.name}" t`);
    seeded.set(t.key, new Set(rows.rows.map((r) => pkOf(t, r.r, false))));
    if (rows.rows[0]) sampleRow.set(t.key, rows.rows[0].r);
  }
  // The attacker: a user who owns an organization of their own, copied from the
  // victim's rows so every required column is filled.
  await pg.query(`insert into auth.users (id, email, display_name) values ($1, 'mallory@attacker.example', 'Mallory')`, [ATTACKER]);
  await pg.query(
    `insert into public.data_controllers select (jsonb_populate_record(null::public.data_controllers,
       to_jsonb(c) || jsonb_build_object('id', $1::uuid, 'did', 'did:web:attacker.example', 'title', 'Attacker Ltd'))).* from public.data_controllers c where id = $2`,
    [ATTACKER_ORG, VICTIM_ORG],
  );
  await pg.query(`insert into public.data_controller_users (controller_id, user_id, role, status) values ($1, $2, 'owner', 'active')`, [ATTACKER_ORG, ATTACKER]);
});

afterAll(async () => {
  await engine?.close();
  await pg?.end();
  await db?.drop();
});

const userTables = (): TableInfo[] => tables.filter((t) => t.select.has("user") && (t.primaryKey?.length ?? 0) > 0);

describe("cross-tenant: a user of another organization", () => {
  test("the seeds give the victim organization rows in most tables (the suite is not vacuous)", () => {
    const withRows = userTables().filter((t) => (seeded.get(t.key)?.size ?? 0) > 0);
    expect(withRows.length).toBeGreaterThanOrEqual(20);
  });

  test("a member of the victim organization sees its seeded rows through the same API", async () => {
    for (const t of userTables()) {
      if ((seeded.get(t.key)?.size ?? 0) === 0) continue;
      const body = await gql(`{ rows: ${t.rootFields.select} { ${pkSelection(t)} } }`, { userId: VICTIM_OWNER });
      expect({ table: t.key, errors: body.errors }).toEqual({ table: t.key, errors: undefined });
      const rows = body.data?.rows as Record<string, unknown>[];
      expect({ table: t.key, visible: rows.length > 0 }).toEqual({ table: t.key, visible: true });
    }
  });

  test("lists of every table return none of the victim's rows, also through every relationship", async () => {
    for (const t of userTables()) {
      const rels = t.relationships
        .filter((r) => engine.state().model.tables.get(r.remote)?.select.has("user"))
        .map((r) => `${r.name} { ${pkSelection(engine.state().model.tables.get(r.remote) as TableInfo)} }`);
      const body = await gql(`{ rows: ${t.rootFields.select} { ${pkSelection(t)} ${rels.join(" ")} } }`, { userId: ATTACKER });
      expect({ table: t.key, errors: body.errors }).toEqual({ table: t.key, errors: undefined });
      const leaked: string[] = [];
      const visit = (table: TableInfo, value: unknown): void => {
        const rows = Array.isArray(value) ? value : value ? [value] : [];
        for (const row of rows as Record<string, unknown>[]) {
          const key = pkOf(table, row, true);
          if (seeded.get(table.key)?.has(key)) leaked.push(`${table.key} ${key}`);
          for (const r of table.relationships) if (r.name in row) visit(engine.state().model.tables.get(r.remote) as TableInfo, row[r.name]);
        }
      };
      visit(t, body.data?.rows);
      expect({ table: t.key, leaked }).toEqual({ table: t.key, leaked: [] });
    }
  });

  test("by-primary-key fields answer null for the victim's rows", async () => {
    for (const t of userTables()) {
      const sample = sampleRow.get(t.key);
      if (!sample || !t.select.get("user")?.columns.every((c) => c) || !(t.primaryKey ?? []).every((c) => t.select.get("user")?.columns.includes(c))) continue;
      const args = (t.primaryKey ?? []).map((c) => `${t.columns.find((x) => x.name === c)?.gqlName}: ${JSON.stringify(sample[c])}`).join(", ");
      const body = await gql(`{ row: ${t.rootFields.select_by_pk}(${args}) { ${pkSelection(t)} } }`, { userId: ATTACKER });
      expect({ table: t.key, body }).toEqual({ table: t.key, body: { data: { row: null } } });
    }
  });

  test("aggregates count none of the victim's rows", async () => {
    for (const t of userTables().filter((x) => x.select.get("user")?.allowAggregations)) {
      const body = await gql(`{ a: ${t.rootFields.select_aggregate}(where: {}) { aggregate { count } } }`, { userId: ATTACKER });
      const own = await gql(`{ rows: ${t.rootFields.select} { ${pkSelection(t)} } }`, { userId: ATTACKER });
      expect({ table: t.key, count: (body.data?.a as { aggregate: { count: number } }).aggregate.count }).toEqual({
        table: t.key,
        count: (own.data?.rows as unknown[]).length,
      });
    }
  });

  test("updates and deletes aimed at the victim's rows change nothing", async () => {
    for (const t of tables) {
      const pks = [...(seeded.get(t.key) ?? [])];
      const sample = sampleRow.get(t.key);
      if (pks.length === 0 || !sample || (t.primaryKey?.length ?? 0) !== 1) continue;
      const pk = t.primaryKey?.[0] as string;
      const pkGql = t.columns.find((c) => c.name === pk)?.gqlName;
      const ids = pks.map((k) => (JSON.parse(k) as unknown[])[0]);
      const update = t.update.get("user");
      const presets = Object.keys(update?.set ?? {});
      const column = update ? t.columns.find((c) => update.columns.includes(c.name) && !presets.includes(c.name)) : undefined;
      if (column) {
        const body = await gql(
          `mutation ($ids: [${t.columns.find((c) => c.name === pk)?.scalar}!]!, $v: ${column.isArray ? `[${column.scalar}!]` : column.scalar}) { u: ${t.rootFields.update}(where: {${pkGql}: {_in: $ids}}, _set: {${column.gqlName}: $v}) { affected_rows } }`,
          { userId: ATTACKER },
          { ids, v: sample[column.name] },
        );
        expect({ table: t.key, body }).toEqual({ table: t.key, body: { data: { u: { affected_rows: 0 } } } });
      }
      if (t.delete.has("user")) {
        const body = await gql(
          `mutation ($ids: [${t.columns.find((c) => c.name === pk)?.scalar}!]!) { d: ${t.rootFields.delete}(where: {${pkGql}: {_in: $ids}}) { affected_rows } }`,
          { userId: ATTACKER },
          { ids },
        );
        expect({ table: t.key, body }).toEqual({ table: t.key, body: { data: { d: { affected_rows: 0 } } } });
      }
      const after = await pg.query<{ n: string }>(`select count(*) as n from "${t.schema}"."${t.name}" where "${pk}" = any($1)`, [ids]);
      expect({ table: t.key, rows: Number(after.rows[0].n) }).toEqual({ table: t.key, rows: ids.length });
    }
  });

  test("inserts of rows pointing into the victim's organization fail the permission check and store nothing", async () => {
    let attempted = 0;
    for (const t of tables) {
      const insert = t.insert.get("user");
      const sample = sampleRow.get(t.key);
      if (!insert || !sample) continue;
      const presets = Object.keys(insert.set);
      // Free text is varied so no unique key or index trips before the permission
      // check; text under a CHECK keeps its valid seeded value, except key parts
      // under a format (not a value list) check, which take a harmless prefix.
      const checks = (
        await pg.query<{ def: string }>(`select pg_get_constraintdef(k.oid) as def from pg_constraint k where k.contype = 'c' and k.conrelid = to_regclass($1)`, [
          `"${t.schema}"."${t.name}"`,
        ])
      ).rows.map((r) => r.def);
      const uniqueIndexes = (
        await pg.query<{ def: string }>(`select pg_get_indexdef(i.indexrelid) as def from pg_index i where i.indisunique and i.indrelid = to_regclass($1)`, [
          `"${t.schema}"."${t.name}"`,
        ])
      ).rows.map((r) => r.def);
      const mentions = (defs: string[], name: string): string[] => defs.filter((d) => new RegExp(`\\b${name}\\b`).test(d));
      const vary = (name: string): boolean => {
        const inChecks = mentions(checks, name);
        return inChecks.length === 0 || (mentions(uniqueIndexes, name).length > 0 && inChecks.every((d) => !d.includes("ANY (ARRAY")));
      };
      const object: Record<string, unknown> = {};
      for (const c of t.columns) {
        if (!insert.columns.includes(c.name) || presets.includes(c.name) || sample[c.name] === null || sample[c.name] === undefined) continue;
        object[c.gqlName] = c.kind === "string" && vary(c.name) ? `x${String(sample[c.name])}` : sample[c.name];
      }
      const before = await pg.query<{ n: string }>(`select count(*) as n from "${t.schema}"."${t.name}"`);
      const body = await gql(`mutation ($o: [${t.gqlName}_insert_input!]!) { i: ${t.rootFields.insert}(objects: $o) { affected_rows } }`, { userId: ATTACKER }, { o: [object] });
      const after = await pg.query<{ n: string }>(`select count(*) as n from "${t.schema}"."${t.name}"`);
      attempted += 1;
      expect({ table: t.key, error: body.errors?.[0] }).toEqual({
        table: t.key,
        error: { message: "Check constraint violation. insert check constraint failed", extensions: { code: "permission-error", path: `$.selectionSet.i.args.objects` } },
      });
      expect({ table: t.key, rows: after.rows[0].n }).toEqual({ table: t.key, rows: before.rows[0].n });
    }
    expect(attempted).toBeGreaterThanOrEqual(8);
  });
});

/** What hasura/README.md publishes to anonymous, as SQL over the seeded data (an oracle independent of the engine). */
const ANONYMOUS_ROWS: Record<string, string> = {
  "public.consent_forms": `select id from public.consent_forms where status = 'published'`,
  "public.consent_categories": `select c.id from public.consent_categories c join public.consent_forms f on f.id = c.form_id where f.status = 'published'`,
  "public.data_controller_details": `select id from public.data_controller_details where public_profile_enabled`,
  "public.data_controllers": `select c.id from public.data_controllers c where exists (select 1 from public.data_controller_details d where d.controller_id = c.id and d.public_profile_enabled)`,
  "public.data_processors": `select p.id from public.data_processors p where p.status in ('active', 'paused') and exists (select 1 from public.data_controller_details d where d.controller_id = p.controller_id and d.public_profile_enabled)`,
  "public.generated_documents": `select id from public.generated_documents where status = 'published'`,
  "public.purposes": `select p.id from public.purposes p where p.status = 'active' and exists (select 1 from public.data_controller_details d where d.controller_id = p.controller_id and d.public_profile_enabled)`,
  "public.tag_manager_accounts": `select id from public.tag_manager_accounts where status = 'active'`,
};

describe("cross-tenant: anonymous", () => {
  test("can select exactly the tables the matrix publishes and no table mutation", async () => {
    const body = await gql(`{ q: __type(name: "query_root") { fields { name } } m: __type(name: "mutation_root") { fields { name } } }`, { anonymous: true });
    const q = new Set((body.data?.q as { fields: Array<{ name: string }> }).fields.map((f) => f.name));
    const published = tables.filter((t) => ANONYMOUS_ROWS[t.key] !== undefined);
    for (const t of tables) expect({ table: t.key, listed: q.has(t.rootFields.select) }).toEqual({ table: t.key, listed: ANONYMOUS_ROWS[t.key] !== undefined });
    expect(published.length).toBe(Object.keys(ANONYMOUS_ROWS).length);
    const m = (body.data?.m as { fields: Array<{ name: string }> } | null)?.fields.map((f) => f.name) ?? [];
    const tableMutations = tables.flatMap((t) => [t.rootFields.insert, t.rootFields.insert_one, t.rootFields.update, t.rootFields.delete]);
    expect(m.filter((f) => tableMutations.includes(f))).toEqual([]);
  });

  test("reads exactly the published rows, and no secret or hash column exists in its types", async () => {
    for (const [key, oracle] of Object.entries(ANONYMOUS_ROWS)) {
      const t = engine.state().model.tables.get(key) as TableInfo;
      const expected = (await pg.query<{ id: string }>(oracle)).rows.map((r) => r.id).sort();
      const body = await gql(`{ rows: ${t.rootFields.select} { id } }`, { anonymous: true });
      const actual = (body.data?.rows as Array<{ id: string }>).map((r) => r.id).sort();
      expect({ table: key, ids: actual }).toEqual({ table: key, ids: expected });
      const type = await gql(`{ __type(name: "${t.gqlName}") { fields { name } } }`, { anonymous: true });
      const fields = (type.data?.__type as { fields: Array<{ name: string }> }).fields.map((f) => f.name);
      const secret = t.columns.filter((c) => /(_hash|_encrypted|credentials_ref|token)/.test(c.name)).map((c) => c.gqlName);
      expect({ table: key, secret: fields.filter((f) => secret.includes(f)) }).toEqual({ table: key, secret: [] });
    }
  });
});
