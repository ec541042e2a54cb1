/**
 * graphql-default names (contract 5.5; docs: schema/postgres/naming-convention)
 * and when the convention applies. The renamed schema itself is covered by the
 * conformance folders naming-graphql-default and mutation-naming-graphql-default.
 */
import { SourceSchema } from "../../../common/src/metadata";
import { camelName, namingConventionOf, pascalName } from "../../src/schema/naming";

const source = (customization?: Record<string, unknown>) =>
  SourceSchema.parse({ name: "default", configuration: { connection_info: { database_url: "postgres://x" } }, ...(customization ? { customization } : {}) });

describe("graphql-default names", () => {
  test.each([
    ["insert_my_schema_my_table_one", "insertMySchemaMyTableOne"],
    ["my_schema_my_table_aggregate", "mySchemaMyTableAggregate"],
    ["order_by", "orderBy"],
    ["distinct_on", "distinctOn"],
    ["stddev_pop", "stddevPop"],
    ["_is_null", "_isNull"],
    ["_has_keys_any", "_hasKeysAny"],
    ["_and", "_and"],
    ["_set", "_set"],
    ["id", "id"],
    ["UserInfo", "UserInfo"],
  ])("field or argument %s -> %s", (from, to) => {
    expect(camelName(from)).toBe(to);
  });

  test.each([
    ["my_schema_my_table", "MySchemaMyTable"],
    ["users_bool_exp", "UsersBoolExp"],
    ["String_comparison_exp", "StringComparisonExp"],
    ["uuid", "Uuid"],
    ["order_by", "OrderBy"],
    ["query_root", "query_root"],
    ["__Type", "__Type"],
  ])("type %s -> %s", (from, to) => {
    expect(pascalName(from)).toBe(to);
  });
});

describe("namingConventionOf", () => {
  const on = { HASURA_GRAPHQL_EXPERIMENTAL_FEATURES: "streaming_subscriptions,naming_convention" };
  test("the source's customization, else HASURA_GRAPHQL_DEFAULT_NAMING_CONVENTION", () => {
    expect(namingConventionOf(source({ naming_convention: "graphql-default" }), on)).toBe("graphql-default");
    expect(namingConventionOf(source(), { ...on, HASURA_GRAPHQL_DEFAULT_NAMING_CONVENTION: "graphql-default" })).toBe("graphql-default");
    expect(namingConventionOf(source({ naming_convention: "hasura-default" }), { ...on, HASURA_GRAPHQL_DEFAULT_NAMING_CONVENTION: "graphql-default" })).toBe("hasura-default");
    expect(namingConventionOf(source(), on)).toBe("hasura-default");
  });
  test("nothing changes without the naming_convention experimental feature", () => {
    expect(namingConventionOf(source({ naming_convention: "graphql-default" }), {})).toBe("hasura-default");
    expect(namingConventionOf(source(), { HASURA_GRAPHQL_DEFAULT_NAMING_CONVENTION: "graphql-default" })).toBe("hasura-default");
  });
});
