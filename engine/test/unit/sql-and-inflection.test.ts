import { compileSql, sql, sqlAnd, sqlOr, SQL_TRUE } from "../../src/compile/sql";
import { defaultRootFieldName, scalarForColumn, tableGraphqlName, typeNames } from "../../src/schema/inflection";
import { jsonObject, parseJsonPath } from "../../src/compile/select";
import { parsePgArrayLiteral } from "../../src/permissions/session";

describe("sql builder", () => {
  test("compileSql turns values into numbered placeholders and quotes identifiers", () => {
    const name = `Robert'); drop table students; --`;
    const q = sql`select ${sql.ident("public", 'we"ird')} from t where a = ${name} and b = ${42}`;
    expect(compileSql(q)).toEqual({ text: 'select "public"."we""ird" from t where a = $1 and b = $2', values: [name, 42] });
  });

  test("fragments compose and keep their values in order", () => {
    const inner = sql`x = ${1}`;
    const q = sql`select 1 where ${inner} and ${sql`y = ${2}`}`;
    expect(compileSql(q)).toEqual({ text: "select 1 where x = $1 and y = $2", values: [1, 2] });
  });

  test("sqlAnd drops true parts and sqlOr of nothing is false", () => {
    expect(compileSql(sqlAnd([SQL_TRUE, sql`a`, SQL_TRUE])).text).toBe("a");
    expect(compileSql(sqlAnd([])).text).toBe("true");
    expect(compileSql(sqlOr([])).text).toBe("false");
    expect(compileSql(sqlOr([sql`a`, sql`b`])).text).toBe("((a) or (b))");
  });

  test("sql.literal escapes quotes for constant JSON keys", () => {
    expect(compileSql(sql`json_build_object(${sql.literal("it's")}, 1)`).text).toBe("json_build_object('it''s', 1)");
  });
});

describe("inflection", () => {
  test("tableGraphqlName uses the table name in public, schema_table elsewhere, custom_name first", () => {
    expect(tableGraphqlName("public", "authors", null)).toBe("authors");
    expect(tableGraphqlName("content", "tags", null)).toBe("content_tags");
    expect(tableGraphqlName("public", "comments", "remarks")).toBe("remarks");
  });

  test("defaultRootFieldName gives Hasura's root field names", () => {
    expect(["select", "select_by_pk", "select_aggregate", "insert", "insert_one", "update", "update_by_pk", "update_many", "delete", "delete_by_pk"].map((k) =>
      defaultRootFieldName(k as Parameters<typeof defaultRootFieldName>[0], "t"),
    )).toEqual(["t", "t_by_pk", "t_aggregate", "insert_t", "insert_t_one", "update_t", "update_t_by_pk", "update_t_many", "delete_t", "delete_t_by_pk"]);
  });

  test("type names derive from the table's GraphQL name", () => {
    expect([typeNames.boolExp("t"), typeNames.orderBy("t"), typeNames.mutationResponse("t"), typeNames.aggregateOp("t", "avg"), typeNames.comparison("uuid")]).toEqual([
      "t_bool_exp",
      "t_order_by",
      "t_mutation_response",
      "t_avg_fields",
      "uuid_comparison_exp",
    ]);
  });

  test("scalarForColumn maps Postgres types to Hasura's scalars", () => {
    expect(["int4", "int2", "int8", "float4", "float8", "numeric", "bool", "text", "varchar", "uuid", "timestamptz", "jsonb", "mood"].map(scalarForColumn)).toEqual([
      "Int",
      "smallint",
      "bigint",
      "Float",
      "float8",
      "numeric",
      "Boolean",
      "String",
      "String",
      "uuid",
      "timestamptz",
      "jsonb",
      "mood",
    ]);
  });
});

describe("small parsers", () => {
  test("parseJsonPath reads $.a.b[0] and bracketed keys", () => {
    expect(parseJsonPath("$.a.b[0]")).toEqual(["a", "b", "0"]);
    expect(parseJsonPath('a["x y"]')).toEqual(["a", "x y"]);
    expect(parseJsonPath("$")).toEqual([]);
    expect(() => parseJsonPath("$.a..b")).toThrow("parse json path error");
  });

  test("parsePgArrayLiteral reads quoted and bare items", () => {
    expect(parsePgArrayLiteral("{1,2,3}")).toEqual(["1", "2", "3"]);
    expect(parsePgArrayLiteral('{"a b","c\\"d",e}')).toEqual(["a b", 'c"d', "e"]);
    expect(parsePgArrayLiteral("{}")).toEqual([]);
    expect(() => parsePgArrayLiteral("1,2")).toThrow("malformed array session variable");
  });
});

describe("jsonObject", () => {
  test("up to 50 keys build one json_build_object; wider rows concatenate jsonb pieces (Postgres' 100-argument limit)", () => {
    const pairs = (n: number) => Array.from({ length: n }, (_, i) => [`k${i}`, sql`${i}`] as [string, ReturnType<typeof sql>]);
    expect(compileSql(jsonObject(pairs(2)))).toEqual({ text: "json_build_object('k0', $1, 'k1', $2)", values: [0, 1] });
    const wide = compileSql(jsonObject(pairs(60)));
    expect(wide.text.startsWith("(jsonb_build_object('k0', $1")).toBe(true);
    expect(wide.text).toContain(") || jsonb_build_object('k50', $51");
    expect(wide.text.endsWith(")::json")).toBe(true);
    expect(wide.values).toHaveLength(60);
  });
});
