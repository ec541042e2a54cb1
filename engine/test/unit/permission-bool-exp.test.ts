/**
 * Permission BoolExp -> SQL (Hasura contract 6.2), on a table model built from
 * a hand-written catalog, so no database is needed.
 */
import { AliasGenerator, compileSql } from "../../src/compile/sql";
import { compilePermission } from "../../src/compile/where";
import { buildTableModel, type TableModel } from "../../src/schema/model";
import type { Catalog, CatalogColumn } from "../../src/introspection/catalog";
import type { EngineMetadata } from "../../src/metadata";
import { HasuraError } from "../../src/errors";

function col(name: string, typeName: string, sqlType: string, typeCategory: string, extra: Partial<CatalogColumn> = {}): CatalogColumn {
  return { name, position: 1, sqlType, typeName, typeCategory, isArray: false, nullable: true, hasDefault: false, isGenerated: false, isIdentityAlways: false, description: null, ...extra };
}

const catalog: Catalog = {
  enums: [],
  tables: [
    {
      schema: "public",
      name: "orgs",
      kind: "r",
      description: null,
      columns: [col("id", "uuid", "uuid", "U", { nullable: false })],
      primaryKey: { name: "orgs_pkey", columns: ["id"] },
      uniqueConstraints: [],
      foreignKeys: [],
    },
    {
      schema: "public",
      name: "members",
      kind: "r",
      description: null,
      columns: [col("id", "int4", "integer", "N"), col("org_id", "uuid", "uuid", "U"), col("user_id", "uuid", "uuid", "U")],
      primaryKey: { name: "members_pkey", columns: ["id"] },
      uniqueConstraints: [],
      foreignKeys: [{ name: "members_org_id_fkey", columns: ["org_id"], refSchema: "public", refTable: "orgs", refColumns: ["id"] }],
    },
    {
      schema: "public",
      name: "docs",
      kind: "r",
      description: null,
      columns: [col("id", "int4", "integer", "N"), col("org_id", "uuid", "uuid", "U"), col("owner_id", "uuid", "uuid", "U"), col("level", "int4", "integer", "N")],
      primaryKey: { name: "docs_pkey", columns: ["id"] },
      uniqueConstraints: [],
      foreignKeys: [{ name: "docs_org_id_fkey", columns: ["org_id"], refSchema: "public", refTable: "orgs", refColumns: ["id"] }],
    },
  ],
};

const metadata = {
  sources: [
    {
      name: "default",
      kind: "postgres",
      tables: [
        { table: { schema: "public", name: "orgs" }, array_relationships: [{ name: "members", using: { foreign_key_constraint_on: { column: "org_id", table: { schema: "public", name: "members" } } } }] },
        { table: { schema: "public", name: "members" } },
        { table: { schema: "public", name: "docs" }, object_relationships: [{ name: "org", using: { foreign_key_constraint_on: "org_id" } }] },
      ],
    },
  ],
} as unknown as EngineMetadata;

const model: TableModel = buildTableModel(metadata, catalog);
const docs = model.tables.get("public.docs");

function compile(exp: Record<string, unknown>, session: Record<string, string> = { "x-hasura-user-id": "u1" }) {
  if (!docs) throw new Error("fixture");
  return compileSql(compilePermission(docs, "d", exp, { model, session, aliases: new AliasGenerator(), role: { role: "user", backendOnly: false } }));
}

describe("compilePermission", () => {
  test("a session variable (any case) becomes a parameter cast to the column type", () => {
    expect(compile({ owner_id: { _eq: "X-Hasura-User-Id" } })).toEqual({ text: '"d"."owner_id" = $1::uuid', values: ["u1"] });
  });

  test("a bare value means _eq, and $-prefixed operators are accepted", () => {
    expect(compile({ owner_id: "x-hasura-user-id", level: { $gt: 3 } })).toEqual({ text: '(("d"."owner_id" = $1::uuid) and ("d"."level" > $2::integer))', values: ["u1", 3] });
  });

  test("relationships compile to exists over the remote table, array relationships too", () => {
    expect(compile({ org: { members: { user_id: { _eq: "X-Hasura-User-Id" } } } })).toEqual({
      text: 'exists (select 1 from "public"."orgs" as "_t0" where (("d"."org_id" = "_t0"."id") and (exists (select 1 from "public"."members" as "_t1" where (("_t0"."id" = "_t1"."org_id") and ("_t1"."user_id" = $1::uuid))))))',
      values: ["u1"],
    });
  });

  test("_exists reads an unrelated table", () => {
    expect(compile({ _exists: { _table: { schema: "public", name: "members" }, _where: { user_id: { _eq: "X-Hasura-User-Id" } } } })).toEqual({
      text: 'exists (select 1 from "public"."members" as "_t0" where "_t0"."user_id" = $1::uuid)',
      values: ["u1"],
    });
  });

  test("column comparison operators compare with another column or the root table's column", () => {
    expect(compile({ level: { _cgt: "id" } }).text).toBe('"d"."level" > "d"."id"');
    expect(compile({ org: { id: { _ceq: ["$", "org_id"] } } }).text).toBe('exists (select 1 from "public"."orgs" as "_t0" where (("d"."org_id" = "_t0"."id") and ("_t0"."id" = "d"."org_id")))');
  });

  test("array operators take an array session variable as a Postgres array literal", () => {
    expect(compile({ level: { _in: "X-Hasura-Levels" } }, { "x-hasura-levels": "{1,2}" })).toEqual({ text: '"d"."level" = any($1::integer[])', values: [["1", "2"]] });
  });

  test("_and, _or, _not and {} combine as in Hasura", () => {
    expect(compile({}).text).toBe("true");
    expect(compile({ _or: [{ level: { _eq: 1 } }, { _not: { level: { _is_null: true } } }] }).text).toBe('(("d"."level" = $1::integer) or (not ("d"."level" is null)))');
    expect(compile({ _and: [] }).text).toBe("true");
  });

  test("a missing session variable fails with not-found", () => {
    expect(() => compile({ owner_id: { _eq: "X-Hasura-Org-Id" } })).toThrow(new HasuraError("not-found", 'missing session variables: "x-hasura-org-id"'));
  });
});
