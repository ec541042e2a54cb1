/**
 * graphql-default names (contract 5.5; docs: schema/postgres/naming-convention)
 * and when the convention applies. The renamed schema itself is covered by the
 * conformance folders naming-graphql-default and mutation-naming-graphql-default.
 */
import { SourceSchema } from "../../../common/src/metadata";
import { GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, printSchema } from "graphql";
import { applyGraphqlDefault, camelName, namingConventionOf, pascalName } from "../../src/schema/naming";

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
    ["UserInfo", "userInfo"],
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

describe("applyGraphqlDefault", () => {
  test("renames generated names, keeps custom names as written and remembers the hasura-default names", () => {
    const row = new GraphQLObjectType({ name: "user_info", fields: { user_id: { type: GraphQLInt }, Legacy_Code: { type: GraphQLInt } } });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: "query_root",
        fields: {
          user_info_by_pk: { type: row, args: { user_id: { type: new GraphQLNonNull(GraphQLInt) } } },
          fetch_Users: { type: new GraphQLList(row) },
        },
      }),
    });
    const renamed = applyGraphqlDefault(schema, new Set(["fetch_Users", "Legacy_Code"]));
    expect(printSchema(renamed)).toBe(`schema {
  query: query_root
}

type query_root {
  userInfoByPk(userId: Int!): UserInfo
  fetch_Users: [UserInfo]
}

type UserInfo {
  userId: Int
  Legacy_Code: Int
}`);
    const field = renamed.getQueryType()?.getFields().userInfoByPk;
    expect([field?.extensions.engineName, field?.args[0].extensions.engineName]).toEqual(["user_info_by_pk", "user_id"]);
  });
});
